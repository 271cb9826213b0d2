"""Our own TextFSM templates (data; read by discovery.ssh.platforms.own_templates)."""
