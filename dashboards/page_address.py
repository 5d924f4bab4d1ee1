"""Keep the lever settings in the page's address, so a reload or a shared link opens them.

The address is rewritten in the browser with ``history.replaceState`` (no navigation, no new
history entry for every slider move, and no re-render of the app as Solara's router would
cause). The settings are read back from the address once, when a session starts.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import ipyvuetify as v
import solara
import traitlets

__all__ = ["PARAMETER", "AddressSync", "token_from_search"]

PARAMETER = "s"  # also written in the template below


class AddressSyncWidget(v.VuetifyTemplate):
    token = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode("""
<template><span style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.write(this.token); },
  watch: { token(value) { this.write(value); } },
  methods: {
    write(value) {
      const url = new URL(window.location.href);
      if (value) { url.searchParams.set("s", value); } else { url.searchParams.delete("s"); }
      if (url.href !== window.location.href) { window.history.replaceState(null, "", url.href); }
    },
  },
};
</script>
""").tag(sync=True)


@solara.component
def AddressSync(token: str):
    """Write ``token`` into the page address (``?s=token``; removed when empty)."""
    return AddressSyncWidget.element(token=token)


def token_from_search(search: str | None) -> str:
    """The settings token of a query string (``s=...``), or "" when there is none."""
    if not search:
        return ""
    values = parse_qs(search, keep_blank_values=False).get(PARAMETER, [])
    return values[0] if values else ""
