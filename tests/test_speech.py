"""Audio packs: espeak-ng speech rendered in one worker and stored as verified Ogg Opus."""
import shutil

import pytest

from app.speech import render_audio_pack, voice_available, worker
from app.speech.opus import OpusError, opus_info
from app.speech.render import plausible_seconds

needs_speech = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("opusenc")),
    reason="espeak-ng and opus-tools are not installed (make test installs them)")


@needs_speech
def test_renders_three_locales_to_valid_ogg_opus(tmp_path):
    entries = [("q1", "3/4 + 1/4 = 1", "en"), ("q1", "3/4 + 1/4 = 1", "hi"),
               ("q1", "3/4 + 1/4 = 1", "ta")]
    results = render_audio_pack(entries, tmp_path)
    assert [(r["key"], r["locale"]) for r in results] == [("q1", "en"), ("q1", "hi"), ("q1", "ta")]
    for result in results:
        data = open(result["path"], "rb").read()
        assert data[:4] == b"OggS" and b"OpusHead" in data[:64]
        info = opus_info(result["path"])
        assert info["channels"] == 1
        assert 1.0 < result["seconds"] < 8.0
        assert result["bytes"] == len(data)
        # about 16 kbps: a few seconds of speech stays within a few kilobytes
        assert result["bytes"] < result["seconds"] * 4_000
    assert {r["engine"] for r in results} == {"pyttsx3"}
    assert results[1]["text"] == "3 बटा 4 जमा 1 बटा 4 बराबर 1"
    assert results[2]["text"].startswith("4இல் 3")


@needs_speech
def test_longer_text_gives_longer_audio(tmp_path):
    short, long = render_audio_pack(
        [("a", "3", "hi"), ("b", "आधे को चौथाई से जोड़ो और उत्तर को सरलतम रूप में लिखो", "hi")],
        tmp_path)
    assert long["seconds"] > short["seconds"] + 2


@needs_speech
def test_voices_for_all_locales():
    for locale in ("en", "hi", "ta", "bn", "mr"):
        assert voice_available(locale)
    assert not voice_available("xx")


def test_bad_keys_and_duplicates_are_refused(tmp_path):
    with pytest.raises(ValueError, match="letters, digits"):
        render_audio_pack([("../evil", "3", "en")], tmp_path)
    with pytest.raises(ValueError, match="twice"):
        render_audio_pack([("a", "3", "en"), ("a", "4", "en")], tmp_path)


def test_opus_check_rejects_corruption(tmp_path):
    bad = tmp_path / "bad.opus"
    bad.write_bytes(b"RIFF" + b"\0" * 100)
    with pytest.raises(OpusError):
        opus_info(bad)


@needs_speech
def test_opus_check_rejects_a_flipped_byte(tmp_path):
    (result,) = render_audio_pack([("x", "5 × 6 = 30", "en")], tmp_path)
    data = bytearray(open(result["path"], "rb").read())
    data[-10] ^= 0xFF
    tampered = tmp_path / "tampered.opus"
    tampered.write_bytes(bytes(data))
    with pytest.raises(OpusError, match="checksum"):
        opus_info(tampered)


def test_plausible_seconds_grow_with_text():
    low_short, high_short = plausible_seconds("3")
    low_long, high_long = plausible_seconds("Add the two fractions and simplify the answer")
    assert low_short < high_short < high_long
    assert low_long > low_short


@needs_speech
def test_worker_falls_back_to_the_espeak_program(tmp_path, monkeypatch):
    # Simulates a machine where pyttsx3 cannot load libespeak-ng.
    monkeypatch.setattr(worker, "_engine", None)
    monkeypatch.setattr(worker, "_engine_error", "OSError: no libespeak-ng")
    result = worker.render_wav({"text": "3 बटा 4", "voice": "hi", "wav": str(tmp_path / "a.wav")})
    assert result["engine"] == "espeak-ng-cli"
    assert result["fallback_reason"] == "OSError: no libespeak-ng"
    assert 0.5 < result["seconds"] < 4


def test_wait_for_wav_times_out_on_a_missing_file(tmp_path):
    with pytest.raises(TimeoutError):
        worker.wait_for_wav(tmp_path / "never.wav", timeout=0.1)
