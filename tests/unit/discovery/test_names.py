from discovery.names import canonical_ifname, normalize_mac, split_fqdn


def test_split_fqdn() -> None:
    assert split_fqdn("SW1.Example.com.") == ("sw1", "example.com")
    assert split_fqdn("core-01") == ("core-01", None)
    assert split_fqdn("10.1.2.3") == ("10.1.2.3", None)
    assert split_fqdn("") == (None, None)


def test_canonical_ifname() -> None:
    assert canonical_ifname("Gi1/0/1") == "GigabitEthernet1/0/1"
    assert canonical_ifname("GigabitEthernet1/0/1") == "GigabitEthernet1/0/1"
    assert canonical_ifname("Te1/1/1") == "TenGigabitEthernet1/1/1"
    assert canonical_ifname("Eth1/49") == "Ethernet1/49"
    assert canonical_ifname("Ethernet1/49") == "Ethernet1/49"
    assert canonical_ifname("Et49/1") == "Ethernet49/1"
    assert canonical_ifname("Po10") == "Port-channel10"
    assert canonical_ifname("ge-0/0/0") == "ge-0/0/0"
    assert canonical_ifname("xe-0/0/1.0") == "xe-0/0/1.0"
    assert canonical_ifname("eth0") == "eth0"
    assert canonical_ifname("Eth1") == "Ethernet1"
    assert canonical_ifname("ens3") == "ens3"


def test_normalize_mac() -> None:
    assert normalize_mac("0011.2233.44AA") == "00:11:22:33:44:aa"
    assert normalize_mac("00-11-22-33-44-AA") == "00:11:22:33:44:aa"
    assert normalize_mac("001122") is None
