"""README's "Remote collectors" examples as written: the set-up code writes a PKI and
configs that nats-server accepts (`nats-server -t`), and the collector file example reads."""

from __future__ import annotations

import subprocess
from pathlib import Path

from remote.broker import nats_server_binary
from remote.settings import load_collector_settings
from tests.readme_blocks import section_blocks

SECTION = "## Remote collectors: sites on NATS JetStream"


def test_the_set_up_example_writes_configs_nats_server_accepts(tmp_path: Path) -> None:
    [code] = section_blocks(SECTION, "python")
    assert 'Path("/tmp/cmdb-nats-example")' in code
    exec(compile(code.replace('"/tmp/cmdb-nats-example"', repr(str(tmp_path))), "README", "exec"), {})
    for conf in ("hub.conf", "paris.conf"):
        checked = subprocess.run([str(nats_server_binary()), "-t", "-c", str(tmp_path / conf)],
                                 capture_output=True, text=True, timeout=60, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (tmp_path / "pki" / "ca.pem").exists()
    assert oct((tmp_path / "pki" / "site-paris-key.pem").stat().st_mode & 0o777) == "0o600"


def test_the_collector_file_example_reads(tmp_path: Path) -> None:
    [text] = section_blocks(SECTION, "yaml")
    (tmp_path / "collector.yaml").write_text(text)
    settings = load_collector_settings(tmp_path / "collector.yaml", "paris")
    assert settings.nats_url == "nats://127.0.0.1:4222"
    assert settings.secrets_file == tmp_path / "secrets.yaml"
    assert settings.resend_after.total_seconds() == 24 * 3600
    assert settings.buffer.days == 7
