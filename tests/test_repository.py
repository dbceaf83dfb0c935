"""Repository hygiene that protects the Space: its config and the README agree."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def front_matter(text: str) -> dict:
    assert text.startswith("---\n"), "README.md must start with the Spaces front matter"
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end])


def test_readme_front_matter_matches_space_yaml():
    space = yaml.safe_load((ROOT / "space.yaml").read_text())
    readme = front_matter((ROOT / "README.md").read_text())
    assert readme == space
    assert space["sdk"] == "gradio" and space["app_file"] == "app.py"


def test_sdk_version_matches_requirements():
    space = yaml.safe_load((ROOT / "space.yaml").read_text())
    reqs = (ROOT / "requirements.txt").read_text()
    major_minor = ".".join(str(space["sdk_version"]).split(".")[:2])
    assert f"gradio=={major_minor}" in reqs


def test_code_is_linted_and_formatted():
    import subprocess
    import sys

    for args in (["check", "."], ["format", "--check", "."]):
        proc = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
