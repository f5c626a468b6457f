"""The `abhyas` command: each verb parses its arguments and calls one function elsewhere."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .accounts import add_security_verbs
from .common import CommandError, print_json as _print_json


def cmd_pack_validate(args) -> int:
    """Print each problem of a pack as file:line: message."""
    from ..packs.validate import validate_pack
    problems = validate_pack(Path(args.path))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def cmd_pack_build(args) -> int:
    """Build a signed, content-addressed artifact and print its manifest path."""
    from ..packs.build import build_pack
    manifest = build_pack(Path(args.path), Path(args.out), key_path=args.key, audio=args.audio)
    print(manifest)
    if args.audio:
        from ..packs.audio import audio_summary
        print(audio_summary(manifest), file=sys.stderr)
    return 0


def cmd_pack_stats(args) -> int:
    """Print a pack's completeness counts; for a folder of packs, each pack's and their total."""
    from ..packs.stats import all_packs_stats, is_pack_folder, pack_stats
    path = Path(args.path)
    if not path.is_dir():
        raise CommandError(f"{path}: not a folder")
    _print_json(pack_stats(path) if is_pack_folder(path) else all_packs_stats(path))
    return 0


def cmd_pack_build_audio(args) -> int:
    """Render every pack's audio in turn (a line per pack); with --publish, amend the published versions."""
    from ..packs.audio_background import build_all_audio
    from ..paths import default_database
    status = build_all_audio(Path(args.path), Path(args.out), default_database() if args.publish else None,
                             log=lambda line: print(line, file=sys.stderr, flush=True))
    if status["state"] != "done":
        raise CommandError("audio failed for " + ", ".join(p["pack"] for p in status["packs"] if not p["ok"]))
    return 0


def cmd_pack_bundle(args) -> int:
    """Write one signed file holding a pack."""
    from ..packs.bundle import bundle_pack
    print(bundle_pack(Path(args.path), Path(args.out), key_path=args.key, audio=args.audio))
    return 0


def cmd_pack_publish(args) -> int:
    """Bundle a pack with the publisher's key and upload it to a server."""
    from ..packs.client import publish_to_server
    result = publish_to_server(Path(args.path), args.server, key_path=args.key, audio=args.audio)
    print(f"published {result['pack']} {result['version']}; phones download {result['changes']['download_bytes_br']} bytes")
    return 0


def cmd_pack_convert_script(args) -> int:
    """Copy a pack with a new locale converted between Brahmic scripts (never Tamil)."""
    from ..packs.convert import convert_pack_script
    print(convert_pack_script(Path(args.path), args.source, args.target, Path(args.out)))
    return 0


def cmd_pack_verify(args) -> int:
    """Verify a bundle or a manifest against the trusted publisher keys."""
    from ..packs.bundle import verify_file
    verify_file(Path(args.file), trusted_dir=args.trusted)
    return 0


def cmd_keys_new(args) -> int:
    """Make a publisher key pair and print the public key's path."""
    from ..packs.signing import new_key
    print(new_key(Path(args.out), args.publisher))
    return 0


def cmd_serve(args) -> int:
    """Serve the app with the production WSGI server."""
    from ..server import serve
    serve(host=args.host, port=args.port, db_path=args.db, workers=args.workers,
          audio_from=Path(args.audio_from) if args.audio_from else None)
    return 0


def cmd_demo(args) -> int:
    """Seed the demo once and print how to sign in."""
    from ..ops.demo import seed_demo
    result = seed_demo(db_path=args.db)
    if args.json:
        _print_json(result)
    else:
        print(f"Open {result['url']}; teacher {result['teacher']['username']} / {result['teacher']['password']}; "
              f"class code {result['class_code']}")
    return 0


def cmd_stats(args) -> int:
    """Print counts of students, events and sets."""
    from ..ops.stats import database_stats
    _print_json(database_stats(args.db))
    return 0


def cmd_backup(args) -> int:
    """Copy the database (online), keys and packs into one file; print what it holds."""
    from ..ops.backup import backup_instance
    result = backup_instance(Path(args.out), db_path=args.db)
    if args.json:
        _print_json(result)
    else:
        print(f"backed up {result['events']} events, schema {result['schema']}, {result['files']} key and pack files "
              f"to {result['out']} ({result['bytes']} bytes)")
    return 0


def cmd_restore(args) -> int:
    """Restore a backup into an empty instance; refuse one that holds data."""
    from ..ops.backup import restore_instance
    result = restore_instance(Path(args.file), db_path=args.db)
    if args.json:
        _print_json(result)
    else:
        print(f"restored {result['events']} events (schema {result['schema']}) into {result['restored']}")
    return 0


def cmd_kt_eval(args) -> int:
    """Fit knowledge tracing on a train CSV and score it on a test CSV."""
    from ..adaptive.kt_eval import evaluate_csv
    _print_json(evaluate_csv(args.train, args.test, model=args.model))
    return 0


def cmd_fit(args) -> int:
    """Fit BKT parameters per skill from the event log and store them."""
    from ..ops.fitting_job import fit_and_store
    fits = fit_and_store(args.db)
    _print_json(fits if fits is not None else {"skipped": "another server is fitting right now"})
    return 0


def cmd_tally(args) -> int:
    """Tally every student's log for the whole-history reports now, not on the first report after an upgrade."""
    from ..ops.tally_job import tally_all
    _print_json(tally_all(args.db))
    return 0


def cmd_bench_sync(args) -> int:
    """Drive the production server with simulated phones and print the figures."""
    import importlib.util

    from ..paths import PROJECT_ROOT
    # The benchmark is a tool of the source checkout (bench/), not part of the served app.
    script = PROJECT_ROOT / "bench" / "sync_ingest.py"
    if not script.exists():
        print(f"error: the sync benchmark ships with the source checkout ({script} is missing)", file=sys.stderr)
        return 2
    spec = importlib.util.spec_from_file_location("sync_ingest", script)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    if args.servers < 1:
        raise CommandError("--servers must be at least 1")
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://")):
        raise CommandError("--database-url must be a postgresql:// URL (an empty database the bench may fill)")
    _print_json(bench.run_sync_bench(clients=args.clients, batches=args.batches, port=args.port, history=args.history,
                                     servers=args.servers, database_url=args.database_url))
    return 0


def cmd_pilot_simulate(args) -> int:
    """Run the real pilot analysis on a simulated pilot with a known true effect."""
    from ..pilot.simulate import simulate_pilot
    if args.students < 2:
        raise CommandError("--students must be at least 2")
    _print_json(simulate_pilot(args.students, args.effect, args.seed, args.design))
    return 0


def cmd_pilot_report(args) -> int:
    """Print the report of a class's latest pilot (the teacher's page's numbers), or several classes' pooled."""
    from ..pilot.report import class_pilot_report, pooled_pilot_report
    codes = [c for given in args.klass for c in given.split(",") if c.strip()]
    if len(codes) == 1:
        _print_json(class_pilot_report(codes[0], args.db))
    else:
        _print_json(pooled_pilot_report(codes, args.db))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every verb."""
    parser = argparse.ArgumentParser(prog="abhyas", description="Offline-first adaptive math homework.")
    verbs = parser.add_subparsers(dest="verb", required=True)

    pack = verbs.add_parser("pack", help="validate, build and ship content packs").add_subparsers(dest="pack_verb", required=True)
    p = pack.add_parser("validate", help="check a pack source folder")
    p.add_argument("path")
    p.set_defaults(func=cmd_pack_validate)
    p = pack.add_parser("build", help="build a signed artifact")
    p.add_argument("path")
    p.add_argument("--out", required=True)
    p.add_argument("--key", help="publisher private key (default: the instance's development key)")
    p.add_argument("--audio", action="store_true", help="also build the audio packs (Ogg Opus)")
    p.set_defaults(func=cmd_pack_build)
    p = pack.add_parser("stats", help="count what a pack holds")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pack_stats)
    p = pack.add_parser("build-audio", help="render the audio of every pack in a folder, one pack after another")
    p.add_argument("path")
    p.add_argument("--out", required=True)
    p.add_argument("--publish", action="store_true", help="publish each pack's manifest with its audio into the instance")
    p.set_defaults(func=cmd_pack_build_audio)
    p = pack.add_parser("bundle", help="write one signed file holding the pack")
    p.add_argument("path")
    p.add_argument("--out", required=True)
    p.add_argument("--key")
    p.add_argument("--audio", action="store_true")
    p.set_defaults(func=cmd_pack_bundle)
    p = pack.add_parser("publish", help="bundle with your key and upload to a server")
    p.add_argument("path")
    p.add_argument("--server", required=True)
    p.add_argument("--key", required=True, help="your publisher private key")
    p.add_argument("--audio", action="store_true")
    p.set_defaults(func=cmd_pack_publish)
    p = pack.add_parser("convert-script", help="add a locale converted between Brahmic scripts (hi/mr <-> bn)")
    p.add_argument("path")
    p.add_argument("--from", dest="source", required=True)
    p.add_argument("--to", dest="target", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_pack_convert_script)
    p = pack.add_parser("verify", help="check a bundle's hashes and signature")
    p.add_argument("file")
    p.add_argument("--trusted", help="folder of trusted publisher .pub keys")
    p.set_defaults(func=cmd_pack_verify)

    keys = verbs.add_parser("keys", help="publisher signing keys").add_subparsers(dest="keys_verb", required=True)
    p = keys.add_parser("new", help="make an Ed25519 key pair")
    p.add_argument("--out", default="keys")
    p.add_argument("--publisher", default="abhyas-core")
    p.set_defaults(func=cmd_keys_new)

    p = verbs.add_parser("serve", help="serve the app (production WSGI server)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--db", default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--audio-from", metavar="CONTENT", default=None,
                   help="once serving, render the read-aloud audio of the packs in CONTENT in the background")
    p.set_defaults(func=cmd_serve)

    p = verbs.add_parser("demo", help="seed the demo class (once)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_demo)

    p = verbs.add_parser("stats", help="counts from the database")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_stats)

    p = verbs.add_parser("backup", help="one file with the database, keys and packs, taken while the server runs")
    p.add_argument("--out", required=True)
    p.add_argument("--db", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = verbs.add_parser("restore", help="restore a backup into an empty instance (refuses one holding data)")
    p.add_argument("file")
    p.add_argument("--db", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore)

    p = verbs.add_parser("kt-eval", help="evaluate knowledge tracing on response CSVs")
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--model", default="abhyas", choices=["abhyas", "abhyas-skill", "bkt", "pfa"],
                   help="abhyas: the model replay and the phone run, with each item's own difficulty (default); "
                        "abhyas-skill: the same without item offsets; bkt: plain BKT with forgetting per "
                        "answer; pfa: performance factors analysis (logistic), for comparison")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kt_eval)

    p = verbs.add_parser("fit", help="fit BKT parameters from the event log")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_fit)

    p = verbs.add_parser("tally", help="tally every student's log for the year-long reports (after an upgrade or a pack update)")
    p.add_argument("--db", default=None)
    p.set_defaults(func=cmd_tally)

    bench = verbs.add_parser("bench", help="benchmarks").add_subparsers(dest="bench_verb", required=True)
    p = bench.add_parser("sync", help="sync ingest against the production server")
    p.add_argument("--json", action="store_true")
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--batches", type=int, default=5)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--history", type=int, default=0, help="events each phone's student holds before the run (10000: a school year)")
    p.add_argument("--servers", type=int, default=1, help="abhyas serve processes sharing the database, phones spread over them")
    p.add_argument("--database-url", default=None, help="an empty PostgreSQL database (postgresql://...) instead of SQLite")
    p.set_defaults(func=cmd_bench_sync)

    pilot = verbs.add_parser("pilot", help="adaptive against static homework: simulate or report a pilot")
    pilot_verbs = pilot.add_subparsers(dest="pilot_verb", required=True)
    p = pilot_verbs.add_parser("simulate", help="the pilot report for simulated data with a known effect")
    p.add_argument("--students", type=int, required=True)
    p.add_argument("--effect", type=float, required=True, help="true effect in SD of the post-test")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--design", choices=("between", "within"), default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pilot_simulate)
    p = pilot_verbs.add_parser("report", help="the report of a class's latest pilot, as on the teacher's page")
    p.add_argument("--class", dest="klass", required=True, action="append",
                   help="the class code; repeat it (or give CODE,CODE) to pool several classes' pilots")
    p.add_argument("--db", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pilot_report)

    add_security_verbs(verbs)
    return parser


def main(argv=None) -> int:
    """Run one verb; failures print one line on stderr and exit non-zero."""
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except CommandError as exc:
        print(f"abhyas: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        reason = getattr(exc, "user_message", None) or f"{type(exc).__name__}: {exc}"
        print(f"abhyas: {' '.join(str(reason).split())}", file=sys.stderr)  # one line, whatever the message held
        code = 1
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
