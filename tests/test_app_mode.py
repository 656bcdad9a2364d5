"""App mode without a browser: what the app's copy of a stage notebook says, and how Voilà
is started (preheated kernels, nothing served from the folder, a quiet terminal)."""

from __future__ import annotations

import nbformat
import pytest

from hls_workbook.ui import app


@pytest.mark.parametrize("stage", ["1_getting_started", "2_experimentation", "3_learning",
                                   "4_relationships_and_support"])
def test_the_app_copy_speaks_to_participants(stage, tmp_path):
    path = app.prepare_notebook(stage, tmp_path, db=tmp_path / "wb.db", role="")
    nb = nbformat.read(path, as_version=4)
    words = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "JupyterLab" not in words and "Run All" not in words
    assert "notebook" not in words.lower()
    for name in app._stages():
        assert f"**{name}**" not in words
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.tags)
    assert 'role = ""' in injected.source  # each participant chooses their own


def test_voila_starts_with_warm_kernels_and_quietly(tmp_path):
    argv = app.voila_argv("x.ipynb")
    assert "--preheat_kernel=True" in argv and f"--pool_size={app.POOL_SIZE}" in argv
    config = app.voila_config(tmp_path)
    assert config.VoilaConfiguration.file_allowlist == ["(?!)"]
    assert config.KernelManager.transport == "ipc"
    assert config.NotebookNotary.data_dir == str(tmp_path)
    assert config.Voila.tornado_settings["ws_ping_timeout"] == 30_000
    # The next kernel is warmed once a participant's page is usable, not while it loads.
    assert config.VoilaKernelManager.fill_delay == app.FILL_DELAY > 1
    # Extensions for JupyterLab (collaboration among them) stay off the page.
    denied = config.VoilaConfiguration.extension_denylist
    assert {"@jupyter/collaboration-extension", "@jupyter/docprovider-extension"} <= set(
        denied)
    assert "@jupyter-widgets/jupyterlab-manager" not in denied  # the widgets need it


def test_the_summaries_are_drawn_before_a_warm_kernel_waits(monkeypatch):
    """A warm kernel works out its summaries before it waits for its participant (so not
    while the page loads), then looks again for drafts."""
    pytest.importorskip("voila")
    import voila.utils

    from hls_workbook.ui import forms, stages

    calls: list[str] = []
    monkeypatch.setattr(stages.views, "draw_summaries", lambda: calls.append("summaries"))
    monkeypatch.setattr(voila.utils, "wait_for_request", lambda: calls.append("wait"))
    monkeypatch.setattr(forms, "look_for_drafts_again", lambda: calls.append("drafts"))
    stages.participant_arrived()
    assert calls == ["summaries", "wait", "drafts"]


def test_a_warm_form_looks_again_for_its_draft(wb, monkeypatch):
    """A kernel warmed before its participant arrives built its forms then: on arrival a
    draft kept since is offered back, and one submitted since is no longer offered."""
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    from hls_workbook.ui import forms

    form = forms.show("partner", wb, place="testville", role="charity", interactive=True)
    try:
        assert form.offered == []
        wb.save_draft("testville", "partner", None, "charity",
                      {"organisation": "Typed in another tab"})
        forms.look_for_drafts_again()
        assert form.offered != []
        assert "You have a draft from" in form.offer_text.value
        wb.drop_draft("testville", "partner", None, "charity")
        form.dirty = True  # the page's widgets may have spoken first: still looked at
        forms.look_for_drafts_again()
        assert form.offered == [] and "You have a draft" not in form.offer_text.value
    finally:
        form.close()
