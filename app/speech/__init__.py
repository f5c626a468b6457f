"""Audio packs: speakable text rendered by espeak-ng and stored as small Ogg Opus files."""

from .render import render_audio_pack
from .voices import voice_available

__all__ = ["render_audio_pack", "voice_available"]
