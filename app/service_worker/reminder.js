// The optional daily reminder of an installed app (Periodic Background Sync, where the browser
// allows it): off by default, switched on by the student (or the teacher, for the class), and
// never more than one a day, whoever is on the phone.


/** The local calendar day of a moment, as "YYYY-MM-DD" (a day is the phone's day, not UTC's). */
export function localDay(now) {
  const d = new Date(now);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/**
 * Whom to remind now, or null: a profile that wants reminders and has work waiting, when no
 * reminder went out today and nobody practised today (a reminder after practice only nags).
 */
export function reminderFor(profiles, { now, lastReminderDay, lastPracticeOf, hasWork }) {
  if (lastReminderDay === localDay(now)) return null;
  for (const profile of profiles) {
    if (!profile.reminder || !hasWork(profile)) continue;
    const last = lastPracticeOf(profile);
    if (last && localDay(last) === localDay(now)) continue;
    return profile;
  }
  return null;
}

/** Whether this browser can remind an installed app daily (the prefs offer the switch only then). */
export function canRemind() {
  const scope = globalThis.self;
  return !!(scope && scope.registration && "periodicSync" in scope.registration && scope.registration.showNotification);
}
