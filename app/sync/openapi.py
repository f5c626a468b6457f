"""The OpenAPI 3 document for Abhyas's JSON routes; a test keeps it true to the app's URL map."""
from __future__ import annotations

from ..web.openapi import registered_paths

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}

EVENT = {
    "type": "object", "required": ["id", "seq", "type", "t"], "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$", "description": "made by the phone; idempotency key"},
        "seq": {"type": "integer", "minimum": 0, "description": "per-device sequence number"},
        "type": {"type": "string", "enum": ["shown", "answer", "hint", "skip", "reflection", "time"]},
        "item": {"type": "string", "maxLength": 80},
        "set": {"type": "string", "maxLength": 64},
        "t": {"type": "number", "description": "the phone's clock, epoch milliseconds"},
        "r": {"type": "string", "maxLength": 40, "description": "the raw response, for answers"},
        "hint": {"type": "integer", "minimum": 1, "maximum": 3},
        "secs": {"type": "number", "minimum": 0, "maximum": 86400},
        "attempt": {"type": "integer", "minimum": 1, "maximum": 100},
        "prompt": {"type": "string", "maxLength": 80},
        "value": {"type": "string", "maxLength": 200},
        "ok": {"type": "boolean", "description": "the phone's provisional grade (ignored: the server re-grades)"},
        "mc": {"type": "string", "description": "the phone's provisional misconception (ignored)"},
    },
}

SET = {"type": "object", "properties": {
    "id": {"type": "string"}, "status": {"type": "string", "enum": ["proposed", "released", "completed", "withdrawn"]},
    "kind": {"type": "string"}, "tier": {"type": "string"},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "item": {"type": "string"}, "skill": {"type": "string"}, "reason": {"type": "string"},
        "why": {"type": "string"},
        "why_args": {"type": "object", "description": "what the English why says beyond skill and misconception "
                     "(seen, zone, before, days, reserve), so a client can say it in its own language"},
        "p_success": {"type": "number"}}}},
    "reflection": {"type": ["string", "null"]},
    "reflection_pack": {"type": ["string", "null"], "description": "the pack whose words the reflection prompt uses "
                        "(packs reuse prompt ids)"},
    "pre_approved": {"type": "string", "enum": ["spaced_review", "same_skills"],
                     "description": "present on practice released by the teacher's standing policy while the next "
                                    "set waits for approval: which policy chose it"},
    "generated_at": {"type": "number", "description": "when the set was made (epoch s); for a proposed set, when "
                                                       "the teacher was asked"},
    "extension": {"type": ["object", "null"]},
    "reserve": {"type": "array"}}}

PACKS_HELD = {"type": "object", "additionalProperties": {"type": "string"},
              "description": "pack id -> version the phone holds"}

# The part of join and sync replies that looks ahead.
WHATS_NEXT = {
    "server_time": {"type": "integer"}, "mastery": {"type": "object"}, "sets": {"type": "array", "items": SET},
    "skill_params": {"type": "object", "additionalProperties": {"type": "object"},
                     "description": "skill -> the parameters replay will run the student's first answers with, for "
                                    "skills the open sets can ask about that have no mastery yet (prior is where "
                                    "replay starts the student; item_offsets only for the open sets' items); only "
                                    "skills whose values differ from the defaults, and absent when there are none"},
    "threshold": {"type": "number"}, "student": {"type": "object"},
    "packs": {"type": "array", "description": "pack versions the phone lacks, with the files and bytes they cost"},
    "progress_error": {"type": "string"},
    "pilot": {"type": ["object", "null"], "description": "the student's arm in an open pilot, or null: id, arm "
              "(adaptive, static or both), design (between or within), status, ends_at (epoch ms), in the "
              "within design skills (skill -> arm), and while it runs held_out: the post-test's items, which the "
              "phone must not offer on its own"}}

PATHS = {
    "/api/v1/join": {"post": {
        "summary": "Join a class with its code and a student's PIN",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["class_code", "pin"],
            "properties": {"class_code": {"type": "string", "maxLength": 20}, "pin": {"type": "string", "maxLength": 12},
                           "label": {"type": "string", "maxLength": 60}, "packs": PACKS_HELD}}}}},
        "responses": {
            "200": {"description": "a device token for that student, and what a first sync would answer (mastery, "
                                   "sets, packs to fetch) so the phone can show a question at once",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["token", "student", "class", "mastery", "sets", "packs"],
                        "properties": {"token": {"type": "string"}, "student": {"type": "object"}, "class": {"type": "object"},
                                       **WHATS_NEXT}}}}},
            "400": {"description": "malformed body", "content": {"application/json": {"schema": ERROR}}},
            "401": {"description": "class code or PIN not recognised", "content": {"application/json": {"schema": ERROR}}},
            "429": {"description": "too many wrong PINs", "content": {"application/json": {"schema": ERROR}}},
        }}},
    "/api/v1/join/undo": {"post": {
        "summary": "Forget the device a join just made, when the phone could not store it (storage full)",
        "security": [{"deviceToken": []}],
        "responses": {
            "200": {"description": "forgotten: true when the device is gone; false when it had sent events and is revoked instead",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "forgotten": {"type": "boolean"}}}}}},
            "401": {"description": "missing or revoked token", "content": {"application/json": {"schema": ERROR}}},
        }}},
    "/api/v1/sync": {"post": {
        "summary": "Send up to 50 queued events; receive acks, refusals, mastery, sets and packs to fetch",
        "security": [{"deviceToken": []}],
        "parameters": [{"name": "Content-Encoding", "in": "header", "schema": {"type": "string", "enum": ["br", "gzip", "identity"]}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["events"],
            "properties": {"events": {"type": "array", "maxItems": 50, "items": EVENT},
                           "device_time": {"type": "number", "description": "the phone's clock when sending, epoch ms"},
                           "more": {"type": "boolean", "description": "more batches follow right behind this one: "
                                    "sets are closed and planned on the last (mastery is current in every reply)"},
                           "packs": PACKS_HELD}}}}},
        "responses": {
            "200": {"description": "what was stored and what comes next", "content": {"application/json": {"schema": {
                "type": "object", "required": ["acked", "rejected", "mastery", "sets", "packs"],
                "properties": {
                    "acked": {"type": "array", "items": {"type": "string"}},
                    "rejected": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": ["string", "null"]}, "index": {"type": "integer"}, "reason": {"type": "string"}}}},
                    "duplicates": {"type": "integer"}, **WHATS_NEXT}}}}},
            "400": {"description": "unreadable body", "content": {"application/json": {"schema": ERROR}}},
            "401": {"description": "missing or revoked token", "content": {"application/json": {"schema": ERROR}}},
            "413": {"description": "too many events or too large", "content": {"application/json": {"schema": ERROR}}},
            "415": {"description": "unsupported Content-Encoding", "content": {"application/json": {"schema": ERROR}}},
            "429": {"description": "slow down", "content": {"application/json": {"schema": ERROR}}},
            "503": {"description": "the server cannot store now (disk full, read-only, locked); nothing was "
                                   "acknowledged: retry after Retry-After seconds",
                    "content": {"application/json": {"schema": ERROR}}},
        }}},
    "/api/v1/packs": {
        "get": {"summary": "The pack catalogue: newest versions, languages and review status, sizes, changes",
                "responses": {"200": {"description": "catalogue", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"packs": {"type": "array"}}}}}}}},
        "post": {"summary": "Publish a signed pack bundle; its signature must verify against a registered publisher key",
                 "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                 "responses": {"201": {"description": "published", "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"pack": {"type": "string"}, "version": {"type": "string"},
                                                      "changes": {"type": "object"}}}}}},
                               "413": {"description": "too large", "content": {"application/json": {"schema": ERROR}}},
                               "422": {"description": "not an Abhyas pack file, damaged, unsigned, unknown publisher, "
                                                      "tampered, or not this publisher's to list",
                                       "content": {"application/json": {"schema": ERROR}}}}}},
    "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}},
    "/packs/index.json": {"get": {"summary": "The newest signed manifest of each published pack",
                                  "responses": {"200": {"description": "pack index"}}}},
    "/packs/keys.json": {"get": {"summary": "Publisher keys this server trusts",
                                 "responses": {"200": {"description": "keys"}}}},
    "/packs/{pack_id}/{version}/manifest.json": {"get": {
        "summary": "The signed manifest of one pack version",
        "parameters": [{"name": "pack_id", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "signed manifest"}, "404": {"description": "no such pack version"}}}},
}


def openapi_document(app=None) -> dict:
    """The whole OpenAPI 3.0 document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Abhyas API", "version": "1", "description": "Sync and pack delivery for the offline student app."},
        "paths": {**PATHS, **registered_paths()},
        "components": {"securitySchemes": {"deviceToken": {"type": "http", "scheme": "bearer"}}},
    }
