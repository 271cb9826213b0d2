"""The lab publishes its credentials as an ordinary secrets file that discovery reads."""

from __future__ import annotations

import stat
from pathlib import Path

from discovery.credentials import CredentialResolver, load_secrets
from discovery.jobs import CredentialRef
from discovery.snmp.credentials import SnmpV2c, SnmpV3
from lab.config import load_config
from lab.control import write_credentials
from lab.manifest import SECRETS_FILE


def test_every_lab_credential_is_a_secret_by_its_name(tmp_path: Path) -> None:
    config = load_config()
    user_key = tmp_path / "keys" / "lab_user_ed25519"
    write_credentials(config, tmp_path, {"user": user_key, "host": tmp_path / "host"})
    path = tmp_path / SECRETS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    users = [*config.ssh.users, config.netns.user]
    keyed = [u.name + "-key" for u in config.ssh.users if u.public_key] + [
        config.netns.user.name + "-key"
    ]
    snmp = [c.name for c in config.snmp.communities] + [u.name for u in config.snmp.v3_users]
    assert set(load_secrets(path)) == {*snmp, *(u.name for u in users), *keyed}

    resolver = CredentialResolver(env={}, secrets_file=path)
    for community in config.snmp.communities:
        v2c = resolver.snmp(CredentialRef(secret=community.name))
        assert isinstance(v2c, SnmpV2c) and v2c.community.reveal() == community.community
    for v3_user in config.snmp.v3_users:
        v3 = resolver.snmp(CredentialRef(secret=v3_user.name))
        assert isinstance(v3, SnmpV3)
        assert v3.priv_key is not None
        assert (v3.user.reveal(), v3.auth_key.reveal(), v3.priv_key.reveal()) == (
            v3_user.user, v3_user.auth_key, v3_user.priv_key)
        assert (v3.auth_protocol, v3.priv_protocol) == (v3_user.auth_protocol,
                                                        v3_user.priv_protocol)
    for user in users:
        ssh = resolver.ssh(CredentialRef(secret=user.name))
        assert (ssh.username, ssh.password, ssh.key_file) == (user.username, user.password, None)
    for name in keyed:
        ssh = resolver.ssh(CredentialRef(secret=name))
        assert (ssh.password, ssh.key_file) == (None, user_key)
