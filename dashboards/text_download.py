"""A download button for a small text file whose content is already in the page.

Solara's ``FileDownload`` asks the server for the bytes on every click and resets them
afterwards; a second click that arrives before the reset (a busy server, a quick user) saves
a file containing ``null``. A scenario file is a few kB and changes only when a lever does,
so it is kept in the page and saved by the browser at once: no round trip, nothing to race.
"""

from __future__ import annotations

import ipyvuetify as v
import solara
import traitlets

__all__ = ["TextDownload", "TextDownloadWidget"]


class TextDownloadWidget(v.VuetifyTemplate):
    label = traitlets.Unicode("Download").tag(sync=True)
    filename = traitlets.Unicode("download.txt").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    mime_type = traitlets.Unicode("text/plain").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    template = traitlets.Unicode("""
<template>
  <v-btn :disabled="disabled" @click="save" class="text-download">
    <v-icon left>mdi-cloud-download-outline</v-icon>{{ label }}
  </v-btn>
</template>
<script>
module.exports = {
  methods: {
    save() {
      const blob = new Blob([this.content], {type: this.mime_type});
      const url = window.URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.download = this.filename;
      a.href = url;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(() => window.URL.revokeObjectURL(url), 1000);
    },
  },
};
</script>
""").tag(sync=True)


@solara.component
def TextDownload(content: str, filename: str, label: str, mime_type: str = "text/plain"):
    """A button that saves ``content`` as ``filename`` (disabled when there is nothing)."""
    return TextDownloadWidget.element(
        content=content, filename=filename, label=label, mime_type=mime_type, disabled=not content
    )
