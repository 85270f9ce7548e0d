"""The README's Python block, run verbatim on the toy set (the one substitution: the set itself,
taken through the hazmat opt-in), and it imports from the façade only."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import consistency
from consistency.keyfile import write_recipient_keys
from consistency.keys import write_keydir

README = Path(__file__).resolve().parents[2] / "README.md"


def _block() -> str:
    text = README.read_text()
    section = text[text.index("## Python") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_block_uses_the_facade_only():
    tree = ast.parse(_block())
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert imports and all(isinstance(n, ast.ImportFrom) and n.module == "consistency" for n in imports)
    assert {a.name for n in imports for a in n.names} <= set(consistency.__all__)


def test_readme_block_runs(toy, tmp_path, monkeypatch):
    write_keydir(tmp_path / "keys", toy.keys)
    write_recipient_keys(toy.recipient, tmp_path / "bob")
    shutil.copy(Path(consistency.__path__[0]) / "data" / "toy_benign.png", tmp_path / "image.png")
    code = _block()
    secure = 'get_parameter_set("default")'
    assert code.count(secure) == 1
    code = code.replace(secure, '__import__("consistency.hazmat").hazmat.insecure_parameter_set("toy")')
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert scope["admitted"].C == scope["env"].C and scope["opening"].C == scope["env"].C


def test_every_facade_name_resolves_and_hazmat_is_apart():
    for name in consistency.__all__:
        assert getattr(consistency, name) is not None
    import consistency.hazmat as hazmat

    assert not set(hazmat.__all__) & set(consistency.__all__)
    toy = hazmat.insecure_parameter_set("toy")
    assert toy.insecure and toy.name == "toy"
