"""A button that opens the system's file picker and hands the chosen file to Python.

Solara's ``FileDrop`` only takes a dragged file: its zone cannot be focused, and phones and
keyboard users cannot drag. This is an ordinary button (focusable, Enter opens the picker)
over a hidden ``<input type=file>``. The browser reads the file and sends it base64-encoded,
so the bytes arrive exactly as on disk (a file that is not UTF-8 is reported as such, not
silently decoded); files over ``max_bytes`` are refused in the browser, before any upload.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

import ipyvuetify as v
import solara
import traitlets

__all__ = ["FilePicker", "FilePickerWidget", "PickedFile"]

MAX_BYTES = 256 * 1024
"""A scenario file is a few kB; a quarter of a megabyte leaves room and bounds the upload."""


class PickedFile(dict):
    """``{"name": str, "data": bytes}`` of the picked file, or ``{"name", "error"}``."""


class FilePickerWidget(v.VuetifyTemplate):
    label = traitlets.Unicode("Choose a file").tag(sync=True)
    accept = traitlets.Unicode(".toml,text/plain").tag(sync=True)
    max_bytes = traitlets.Int(MAX_BYTES).tag(sync=True)
    picked = traitlets.Dict(default_value={}).tag(sync=True)
    template = traitlets.Unicode("""
<template>
  <span class="file-picker">
    <v-btn small outlined color="primary" @click="$refs.input.click()">
      <v-icon left small>mdi-file-upload-outline</v-icon>{{ label }}
    </v-btn>
    <input ref="input" type="file" :accept="accept" style="display: none"
           :aria-label="label" @change="onPicked">
  </span>
</template>
<script>
module.exports = {
  methods: {
    onPicked(event) {
      const file = event.target.files[0];
      event.target.value = "";
      if (!file) { return; }
      const nonce = Date.now() + Math.random();
      if (file.size > this.max_bytes) {
        this.picked = {name: file.name, size: file.size, too_big: true, nonce};
        return;
      }
      const reader = new FileReader();
      reader.onload = () => {
        const url = reader.result;
        this.picked = {name: file.name, size: file.size, nonce,
                       data: url.slice(url.indexOf(",") + 1)};
      };
      reader.readAsDataURL(file);
    },
  },
};
</script>
""").tag(sync=True)


def decode_picked(picked: dict, max_bytes: int = MAX_BYTES) -> PickedFile | None:
    """What the browser sent, checked again here: the size limit and the encoding are not
    taken on trust from the page."""
    if not picked or "name" not in picked:
        return None
    name = str(picked["name"])[:200]
    if picked.get("too_big"):
        return PickedFile(name=name, error=f"larger than {max_bytes // 1024} kB")
    try:
        data = base64.b64decode(str(picked.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        return PickedFile(name=name, error="the browser sent it damaged")
    if len(data) > max_bytes:
        return PickedFile(name=name, error=f"larger than {max_bytes // 1024} kB")
    return PickedFile(name=name, data=data)


@solara.component
def FilePicker(label: str, on_file: Callable[[PickedFile], None], max_bytes: int = MAX_BYTES):
    """A "choose a file" button; ``on_file`` gets each picked file (or its error)."""

    def changed(picked: dict) -> None:
        result = decode_picked(picked, max_bytes)
        if result is not None:
            on_file(result)

    return FilePickerWidget.element(label=label, max_bytes=max_bytes, on_picked=changed)
