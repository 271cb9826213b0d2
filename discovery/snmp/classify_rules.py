"""The classification rules: one row per platform, tried in order. Data, pure.

A rule matches when every condition it has holds: the sysObjectID is one of
`object_ids` or below it, sysDescr matches `descr`, one of the `evidence` scalars was
answered (a standard MIB the agent implements), and the first ENTITY-MIB chassis
matches `chassis`. The first match wins, so specific rows come before generic ones.
A rule's vendor may be left to the enterprise number (vendors.py) or to a vendor
scalar. Kinds are those normalize.DEVICE_CLASSES maps onto a schema class.

Facts behind the rows (product OIDs from the vendors' MIBs, model lines from their
catalogues) are cited beside them. A row never guesses: a device that says only who
made it gets a vendor and no kind (see the enterprise-only rule at the end).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from discovery.snmp import oids

KINDS = frozenset(
    {"switch", "router", "firewall", "wireless", "load_balancer", "server", "storage", "printer",
     "ups", "pdu", "kvm", "camera"}
)  # fmt: skip

# CPU architecture words in sysDescr -> a readable hardware string.
ARCH_NAMES: dict[str, str] = {
    "x86_64": "Generic x86 64-bit",
    "amd64": "Generic x86 64-bit",
    "i386": "Generic x86",
    "i686": "Generic x86",
    "aarch64": "Generic ARM 64-bit",
    "armv7l": "Generic ARM",
    "Intel64": "Intel x64",
    "AMD64": "AMD x64",
    "x86": "Intel x86",
}

# Windows build number -> release name, as (server, client).
WINDOWS_BUILDS: dict[int, tuple[str, str]] = {
    7601: ("2008 R2 SP1", "7 SP1"),
    9200: ("2012", "8"),
    9600: ("2012 R2", "8.1"),
    14393: ("2016 (1607)", "10 (1607)"),
    17763: ("2019 (1809)", "10 (1809)"),
    20348: ("2022 (21H2)", "10 (21H2)"),
    26100: ("2025 (24H2)", "11 (24H2)"),
}

# sysObjectID arcs that mark a Windows server (SNMP agent OIDs under 311.1.1.3.1).
_WINDOWS_SERVER_OIDS = ("1.3.6.1.4.1.311.1.1.3.1.2", "1.3.6.1.4.1.311.1.1.3.1.3")
_UPS_IDENT = (oids.UPS_IDENT_MANUFACTURER, oids.UPS_IDENT_MODEL, oids.UPS_IDENT_AGENT_SOFTWARE)


def _windows_version(match: re.Match[str], object_id: str) -> str | None:
    release = WINDOWS_BUILDS.get(int(match.group("v")))
    if release is None:
        return f"Build {match.group('v')}"
    server = object_id.startswith(_WINDOWS_SERVER_OIDS)
    return f"Server {release[0]}" if server else release[1]


def _arch(match: re.Match[str], object_id: str) -> str | None:
    return ARCH_NAMES.get(match.group("v"), match.group("v"))


def _first_group(match: re.Match[str], object_id: str) -> str | None:
    """The first named group that matched (a pattern of alternatives)."""
    return next((v for v in match.groupdict().values() if v), None)


Derive = Callable[[re.Match[str], str], str | None]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    vendor: str | None  # None: the vendor scalar, the enterprise's owner, fallback_vendor
    os: str | None
    kind: str | None
    object_ids: tuple[str, ...] = ()  # sysObjectIDs, each matching itself and below; () any
    descr: str | None = None  # sysDescr regex (search); None matches any
    evidence: tuple[str, ...] = ()  # scalars of which at least one must have answered
    chassis: str | None = None  # regex on the first chassis's descr/model name
    version: str | None = None  # sysDescr regex with group v
    hardware: str | None = None
    serial: str | None = None
    vendor_oid: str | None = None
    version_oid: str | None = None
    hardware_oid: str | None = None
    serial_oid: str | None = None
    derive_version: Derive | None = None
    derive_hardware: Derive | None = None
    hardware_from_entity: bool = True
    fallback_vendor: str | None = None
    version_from_entity: bool = False  # the chassis's entPhysicalSoftwareRev, before sysDescr
    version_oid_pattern: str | None = None  # regex (group v) on the version scalar's text
    hardware_oid_pattern: str | None = None  # regex (group v) on the hardware scalar's text
    hardware_names: tuple[tuple[str, str], ...] = ()  # the hardware scalar's enum names

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"rule {self.name}: unknown kind {self.kind!r}")


def _ent(*numbers: str) -> tuple[str, ...]:
    return tuple(f"1.3.6.1.4.1.{n}" for n in numbers)


CISCO, HUAWEI, H3C = _ent("9"), _ent("2011"), _ent("25506")
_IOS = r"Cisco IOS|Internetwork Operating System|IOS \(tm\)"
_IOS_XE = r"IOS[ -]?XE|IOSXE"
_VRP_VERSION = r"\((?:\S+ )?(?P<v>V\d{3}R\d{3}\w*)\)"  # (S5720 V200R007C00SPC500)
# The model: the sysDescr's first line (S5720-56C-PWR-EI-AC), "Huawei AR169F ...", else the
# platform named beside the version (CE12800 V200R002C50SPC800). A sysDescr recorded from
# net-snmp's output may keep its wrapping quotes.
_VRP_MODEL = (r"^[\s\"]*(?P<v>S\d{4,5}[\w-]*)\s*$|^Huawei (?P<ar>AR\S+)"
              r"|\((?P<platform>[\w-]+) V\d{3}R\d{3}")  # fmt: skip
_COMWARE_VERSION = r"(?:Software Version |Release )(?P<v>[\w.]+)"
# "HP A5500-24G EI Switch with 2 Interface Slots" (a line of its own), or "Release 2416 HP FF
# 5700-40XG-2QSFP  Switch Copyright ..." (one line; the name ends at the double space)
_COMWARE_MODEL = (r"(?m)(?:^|Release \S+ )(?:HPE|HP) (?!Comware)"
                  r"(?P<v>.+?)(?:\s{2,}Switch\b.*)?\s*$")  # fmt: skip
# HP ProCurve / Aruba: "HP J9146A E2910al-24G-PoE Switch, revision W.15.08.0012, ..."
_PROCURVE_MODEL = r"^(?:HP|Aruba|ProCurve) (?P<v>.+?)(?: Switch)?, revision"
# HIKVISION-MIB hikEntityType
_HIKVISION_TYPES = (("1", "DVR"), ("2", "NVR"), ("3", "IPC"))

RULES: tuple[Rule, ...] = (
    # -- Cisco ------------------------------------------------------------------------
    Rule("cisco-nxos", "Cisco", "nxos", "switch", CISCO, r"NX-OS",
         version=r"Version (?P<v>[^,\s]+)"),
    # ASA: the chassis's software revision is the running image (sysDescr may lag)
    Rule("cisco-asa", "Cisco", "asa", "firewall", CISCO, r"Adaptive Security Appliance",
         version=r"Version (?P<v>[^,\s]+)", version_from_entity=True),
    # IOS-XE says so in sysDescr (image CAT9K_IOSXE, "Cisco IOS XE Software")
    Rule("cisco-iosxe-switch", "Cisco", "iosxe", "switch", CISCO,
         rf"(?s)(?=.*(?:{_IOS_XE}))(?=.*(?:Catalyst|CAT\dK|cat\dk))",
         version=r"Version (?P<v>[^,\s]+)"),
    Rule("cisco-iosxe", "Cisco", "iosxe", "router", CISCO, _IOS_XE,
         version=r"Version (?P<v>[^,\s]+)"),
    Rule("cisco-ios-switch", "Cisco", "ios", "switch", CISCO,
         r"Cisco IOS Software.*\((?:C2|C3|C4|C6|CAT|cat|IE)",
         version=r"Version (?P<v>[^,\s]+)"),
    # Old IOS says only "Cisco Internetwork Operating System Software" in its first
    # line; the product OID tells (CISCO-PRODUCTS-MIB: 283 cat6509, 366 catalyst355024).
    Rule("cisco-ios-catalyst", "Cisco", "ios", "switch",
         _ent("9.1.283", "9.1.366"), _IOS, version=r"Version (?P<v>[^,\s]+)"),
    Rule("cisco-ios", "Cisco", "ios", "router", CISCO, _IOS,
         version=r"Version (?P<v>[^,\s]+)"),
    Rule("cisco-wlc", "Cisco", "aireos", "wireless", CISCO, r"^Cisco Controller$"),
    # -- Arista, Juniper, MikroTik ------------------------------------------------------
    Rule("arista-eos", "Arista", "eos", "switch", _ent("30065"), r"Arista",
         version=r"EOS version (?P<v>\S+)",
         hardware=r"running on an Arista Networks (?P<v>\S+)"),
    Rule("juniper-junos-switch", "Juniper", "junos", "switch", _ent("2636"),
         r"(?i)ethernet switch", version=r"JUNOS (?P<v>[^,\s]+)",
         hardware_oid=oids.JNX_BOX_DESCR, serial_oid=oids.JNX_BOX_SERIAL),
    Rule("juniper-junos-firewall", "Juniper", "junos", "firewall", _ent("2636"),
         r"(?i)\bsrx", version=r"JUNOS (?P<v>[^,\s]+)",
         hardware_oid=oids.JNX_BOX_DESCR, serial_oid=oids.JNX_BOX_SERIAL),
    Rule("juniper-junos", "Juniper", "junos", "router", _ent("2636"), r"JUNOS",
         version=r"JUNOS (?P<v>[^,\s]+)",
         hardware_oid=oids.JNX_BOX_DESCR, serial_oid=oids.JNX_BOX_SERIAL),
    # Trapeze's enterprise, Juniper's WLAN controllers (WLC2800, WLC880, ...)
    Rule("juniper-wlc", "Juniper", "mss", "wireless", _ent("14525"), r"\bWLC\d+",
         hardware=r"\b(?P<v>WLC\d+\w*)", version=r"WLC\d+\w* (?P<v>[\d.]+)"),
    Rule("mikrotik-routeros", "MikroTik", "routeros", "router", _ent("14988"),
         version_oid=oids.MTXR_LICENSE_VERSION, serial_oid=oids.MTXR_SERIAL),
    # -- Huawei -----------------------------------------------------------------------
    # hwServer(235): the iBMC speaks for its server (HUAWEI-SERVER-IBMC-MIB): the server's
    # model and serial, the version the running iBMC firmware's (a serial the BMC was
    # never told is the placeholder "SerialNumber": junk, precedence.yaml)
    Rule("huawei-ibmc", "Huawei", "ibmc", "server", _ent("2011.2.235"),
         hardware_oid=oids.IBMC_DEVICE_NAME, serial_oid=oids.IBMC_DEVICE_SERIAL,
         version_oid=oids.IBMC_FIRMWARE_VERSION, hardware_from_entity=False),
    # OceanStor arrays' agent (ISM: Integrated Storage Manager)
    Rule("huawei-oceanstor", "Huawei", "oceanstor", "storage", HUAWEI, r"^ISM SNMP Agent"),
    # ACU2 and AC6xxx: WLAN access controllers (a card, a box) running VRP
    Rule("huawei-vrp-wlan", "Huawei", "vrp", "wireless", HUAWEI, r"\bACU2\b|\bAC6\d{3}\b",
         version=_VRP_VERSION),
    # S-series (S5720, S12704, ...) are switches; sysDescr starts with the model
    # S-series (S5720, S5328C-EI) and CloudEngine (CE12800) are switches; the serial is
    # HUAWEI-DEVICE-EXT-MIB hwDeviceEsn (the device's ESN), else the chassis's
    Rule("huawei-vrp-switch", "Huawei", "vrp", "switch", HUAWEI,
         r"^[\s\"]*S\d{4,5}[A-Z]*\b|\(CE\d{4,5}\w* V\d{3}R", version=_VRP_VERSION,
         hardware=f"(?m){_VRP_MODEL}", derive_hardware=_first_group,
         serial_oid=oids.HW_DEVICE_ESN),
    Rule("huawei-vrp-router", "Huawei", "vrp", "router", HUAWEI,
         r"\b(?:AR\d{3,4}\w*|NE\d{2,3}E?)\b", version=_VRP_VERSION,
         hardware=f"(?m){_VRP_MODEL}", derive_hardware=_first_group,
         serial_oid=oids.HW_DEVICE_ESN),
    Rule("huawei-vrp-router-chassis", "Huawei", "vrp", "router", HUAWEI,
         chassis=r"\b(?:ME60|NE\d{2,3}E?|AR\d{3,4})", version=_VRP_VERSION,
         serial_oid=oids.HW_DEVICE_ESN),
    # -- H3C (Comware) ----------------------------------------------------------------
    # WX access controllers, LSQ1WCM controller modules, WA access points
    Rule("h3c-comware-wlan", "H3C", "comware", "wireless", H3C,
         r"\bWX\d{4}|\bLSQ1WCM|\bWA\d{4}", version=_COMWARE_VERSION),
    # HP/HPE-branded Comware (A5500, 5900, FlexFabric): the brand sysDescr names. The
    # serial: HH3C-ENTITY-EXT-MIB's manufacturing serial of the chassis, else ENTITY-MIB's
    Rule("hpe-comware-switch", "HPE", "comware", "switch", H3C,
         r"^HPE Comware(?s:.*)\bSwitch\b", version=_COMWARE_VERSION, hardware=_COMWARE_MODEL,
         serial_oid=oids.H3C_MANU_SERIAL_1),
    Rule("hp-comware-switch", "HP", "comware", "switch", H3C,
         r"^HP Comware(?s:.*)\bSwitch\b", version=_COMWARE_VERSION, hardware=_COMWARE_MODEL,
         serial_oid=oids.H3C_MANU_SERIAL_1),
    Rule("h3c-comware-switch", "H3C", "comware", "switch", H3C, r"(?i)\bswitch\b",
         version=_COMWARE_VERSION, serial_oid=oids.H3C_MANU_SERIAL_1),
    Rule("h3c-comware-router", "H3C", "comware", "router", H3C, chassis=r"\b(?:SR|MSR)\d{2,4}",
         version=_COMWARE_VERSION),
    # -- other network vendors --------------------------------------------------------
    Rule("ruijie-wlan", "Ruijie", "rgos", "wireless", _ent("4881"), r"(?i)\bwireless\b",
         hardware=r"\((?P<v>[^)]+)\)"),
    Rule("ruijie-switch", "Ruijie", "rgos", "switch", _ent("4881"), r"(?i)\bswitch\b",
         hardware=r"\((?P<v>[^)]+)\)"),
    Rule("aruba-controller", "Aruba", "arubaos", "wireless", _ent("14823"), r"^ArubaOS",
         version=r"Version (?P<v>[\d.]+)", hardware=r"MODEL: (?P<v>[^)]+)"),
    Rule("ruckus-smartzone", "Ruckus", "smartzone", "wireless", _ent("25053"),
         r"SmartCell Gateway|SmartZone|ZoneDirector"),
    Rule("meru-controller", "Meru", "meru", "wireless", _ent("15983"), r"(?i)controller"),
    Rule("brocade-fabos", "Brocade", "fabos", "switch", _ent("1588.2.1.1")),  # SW-MIB fcSwitch
    Rule("brocade-fastiron", "Brocade", "fastiron", "switch", _ent("1991"),
         r"\b(?:ICX|FCX|FastIron|TurboIron)", version=r"Version (?P<v>\S+)",
         hardware=r"\b(?P<v>ICX[\w-]+|FCX[\w-]+)"),
    # ProCurve / Aruba switches (hpSwitch 11.2.3.7, the .11 product tree); a stack says
    # "HP Stack, revision ..."
    Rule("hp-procurve", "HP", "procurve", "switch", _ent("11.2.3.7"),
         r"ProCurve|Switch|^HP Stack\b", version=r"revision (?P<v>[^,\s]+)",
         hardware=_PROCURVE_MODEL),
    Rule("dlink-switch", "D-Link", "dlink", "switch", _ent("171"), r"(?i)\bswitch\b",
         hardware=r"(?P<v>DES-\S+|DGS-\S+)"),
    Rule("zte-zxr10-switch", "ZTE", "zxr10", "switch", _ent("3902"),
         r"(?i)\bswitch\b|ZXR10 (?:59|89|99)\d\d", version=r"Version: ?(?P<v>[^,\s]+)"),
    Rule("dcn-switch", "DCN", "dcn", "switch", _ent("6339"), r"\bDCR?S-\d",
         hardware=r"\b(?P<v>DCR?S-[\w-]+)", version=r"SoftWare Version (?P<v>\S+)"),
    Rule("bdcom-switch", "BDCOM", "bdcom", "switch", _ent("3320"), r"\bS\d{4}\b",
         version=r"Version (?P<v>\S+)", hardware=r"\b(?P<v>S\d{4}\w*)"),
    # Maipu SM-series managed switches ("SM4200-16GEF8GE-AC Device, ...")
    Rule("maipu-switch", "Maipu", "mypower", "switch", _ent("5651"), r"^\s*SM\d{4}",
         hardware=r"^\s*(?P<v>SM\d{4}[\w-]*)", version=r"SoftWare Version (?P<v>\S+)"),
    # -- firewalls --------------------------------------------------------------------
    Rule("paloalto-panos", "Palo Alto Networks", "panos", "firewall", _ent("25461"),
         hardware=r"(?P<v>PA-\d+)"),
    # FORTINET-FORTIGATE-MIB fgSysVersion: "v7.2.6,build1575,230926 (GA.F)"
    Rule("fortinet-fortigate", "Fortinet", "fortios", "firewall", _ent("12356.101"),
         version_oid=oids.FG_SYS_VERSION),
    # HILLSTONE-SYSTEM-MIB: sysSoftware "Version 5.5 SG6000-M-2-5.5R3P7.bin ...", sysSerialNumber
    Rule("hillstone-stoneos", "Hillstone", "stoneos", "firewall", _ent("28557"),
         r"^Hillstone\b", hardware=r"(?P<v>\S+)\s*$", version_oid=oids.HILLSTONE_SOFTWARE,
         version_oid_pattern=r"Version (?P<v>\S+)", serial_oid=oids.HILLSTONE_SERIAL),
    Rule("topsec-firewall", "Topsec", "topsec", "firewall", _ent("14331"),
         r"(?i)\bNGFW|firewall", version=r"Software Version (?P<v>\S+)"),
    Rule("venustech-firewall", "Venustech", "vsos", "firewall", _ent("15227"),
         r"^FIREWALL$|\bVSOS\b", version=r"VSOS-(?P<v>\S+)"),
    Rule("lenovo-firewall", "Lenovo", None, "firewall", _ent("9833"), r"^FIREWALL$"),
    Rule("clavister-firewall", "Clavister", "cos", "firewall", _ent("5089"), r"(?i)firewall",
         version=r"Firewall (?P<v>[\d.-]+)"),
    # Vyatta's enterprise number: Vyatta routers, and Netentsec's NGFW built on it
    Rule("netentsec-ngfw", "Netentsec", None, "firewall", _ent("30803"), r"^Netentsec NGFW"),
    Rule("vyatta", "Vyatta", "vyatta", "router", _ent("30803"), r"^Vyatta\b",
         version=r"^Vyatta (?P<v>\S+)"),
    # -- servers and storage ----------------------------------------------------------
    # Dell iDRAC (DELL-RAC-MIB's 674.10892.2): a server's BMC, on Linux; its sysDescr's
    # architecture is the BMC's, not the server's
    Rule("dell-idrac", "Dell", "drac", "server", _ent("674.10892.2"), hardware_from_entity=False),
    # HP iLO (Compaq's enterprise 232): the BMC speaks for its ProLiant (CPQSINFO-MIB)
    Rule("hpe-ilo", "HPE", "ilo", "server", _ent("232"), r"Integrated Lights-Out",
         version=r"Integrated Lights-Out \d+ (?P<v>[\d.]+)", hardware_oid=oids.CPQ_SI_PRODUCT_NAME,
         serial_oid=oids.CPQ_SI_SERIAL, hardware_from_entity=False),
    # Xerox's enterprise (253): "Xerox AltaLink C8045; SS 100.002.057.09608, NC ..."
    Rule("xerox-printer", "Xerox", "printer", "printer", _ent("253"), r"^Xerox ",
         hardware=r"^Xerox (?P<v>[^;]+)", hardware_from_entity=False),
    # BROTHER-MIB: brmDNSPrinterName "Brother MFC-L2710DW series", brInfoSerialNumber,
    # brpsFirmwareDescription "Firmware Ver.Q" (the main firmware's revision)
    Rule("brother-printer", "Brother", "printer", "printer", _ent("2435"),
         hardware_oid=oids.BR_MDNS_PRINTER_NAME,
         hardware_oid_pattern=r"^(?:Brother )?(?P<v>.+?)(?: series)?$",
         version_oid=oids.BR_FIRMWARE_DESCRIPTION, version_oid_pattern=r"Ver\.(?P<v>\S+)",
         serial_oid=oids.BR_INFO_SERIAL, hardware_from_entity=False),
    # Canon (1602) and Ricoh (367) printers: the model and serial come from Printer-MIB
    Rule("canon-printer", "Canon", "printer", "printer", _ent("1602"), r"^Canon ",
         hardware_from_entity=False),
    # "RICOH Aficio MP C3002 2.20 / RICOH Network Printer C model / ..."
    Rule("ricoh-printer", "Ricoh", "printer", "printer", _ent("367"), r"^RICOH ",
         hardware=r"^RICOH (?P<v>.+?) [\d.]+ /", version=r"^RICOH .+? (?P<v>[\d.]+) /",
         hardware_from_entity=False),
    # Konica Minolta (18334): its MIB's product name and software version (an OEM-branded
    # box names its brand there: "Develop ineo+ 280"); Sharp (2385): the model in sysDescr
    Rule("konica-minolta-printer", "Konica Minolta", "printer", "printer", _ent("18334"),
         r"^KONICA MINOLTA ", hardware_oid=oids.KONICA_PRODUCT_NAME,
         version_oid=oids.KONICA_SOFTWARE_VERSION, hardware_from_entity=False),
    Rule("sharp-printer", "Sharp", "printer", "printer", _ent("2385"), r"^SHARP ",
         hardware=r"^SHARP (?P<v>\S+)", version_oid=oids.SHARP_FIRMWARE_VERSION,
         hardware_from_entity=False),
    Rule("hp-jetdirect", "HP", "printer", "printer", _ent("11.2.3.9"),
         r"JETDIRECT|ETHERNET MULTI-ENVIRONMENT", hardware=r"PID:HP (?P<v>[^,]+)",
         serial=r"SN:(?P<v>[^,]+)", hardware_from_entity=False),
    Rule("microsoft-windows", "Microsoft", "windows", "server", _ent("311"),
         r"Windows", version=r"Build (?P<v>\d+)", hardware=r"Hardware: (?P<v>\S+)",
         derive_version=_windows_version, derive_hardware=_arch,
         hardware_from_entity=False),
    Rule("ibm-aix", "IBM", "aix", "server", _ent("2.3.1.2"), r"IBM PowerPC",
         hardware_from_entity=False),
    Rule("netapp-ontap", "NetApp", "ontap", "storage", _ent("789"), r"^NetApp Release",
         version=r"^NetApp Release (?P<v>\S+(?: 7-Mode)?)"),
    Rule("isilon-onefs", "Dell EMC", "onefs", "storage", _ent("12124"), r"Isilon OneFS",
         version=r"Isilon OneFS v(?P<v>\S+)"),
    # -- power ------------------------------------------------------------------------
    # PowerNet-MIB: masterSwitch(4) are rack PDUs; smartUPS(2), symmetraUPS(5) UPSes
    Rule("apc-pdu", "APC", "apc", "pdu", _ent("318.1.3.4"),
         version=r"\bPF:v(?P<v>[\d.]+)", hardware=r"\bMN:\s*(?P<v>\S+)",
         serial=r"\bSN:\s*(?P<v>\S+)"),
    Rule("apc-ups", "APC", "apc", "ups", _ent("318.1.3.2", "318.1.3.5", "318.1.3.27"),
         version=r"\bPF:v(?P<v>[\d.]+)", hardware=r"\bMN:\s*(?P<v>\S+)",
         serial=r"\bSN:\s*(?P<v>\S+)"),
    # MG-SNMP-UPS-MIB: upsmg(705.1) is MGE's (now Eaton's) UPS agent
    Rule("eaton-mge-ups", "Eaton", "mgeups", "ups", _ent("705.1"),
         hardware_oid=oids.UPS_IDENT_MODEL, version_oid=oids.UPS_IDENT_UPS_SOFTWARE),
    # Huawei's UPS agents (2011.6.174: UPS2000, UPS5000) implement UPS-MIB
    Rule("huawei-ups", "Huawei", "huaweiups", "ups", _ent("2011.6.174"),
         hardware_oid=oids.UPS_IDENT_MODEL, version_oid=oids.UPS_IDENT_UPS_SOFTWARE),
    # Any agent implementing UPS-MIB (RFC 1628) speaks for a UPS; its maker is in it.
    Rule("ups-mib", None, None, "ups", evidence=_UPS_IDENT,
         vendor_oid=oids.UPS_IDENT_MANUFACTURER, hardware_oid=oids.UPS_IDENT_MODEL,
         version_oid=oids.UPS_IDENT_UPS_SOFTWARE),
    Rule("ups-descr", None, None, "ups", descr=r"\bUPS\b"),
    # -- wireless on Linux --------------------------------------------------------------
    Rule("ubiquiti-airmax", "Ubiquiti", "airos", "wireless", _ent("41112.1.4"), r"^Linux\b"),
    # -- cameras ----------------------------------------------------------------------
    Rule("hanwha-ipolis", "Hanwha Techwin", "ipolis", "camera", descr=r"iPolis.*\bCamera\b"),
    # Hikvision cameras' HIK-DEVICE-MIB (enterprise 39165), answered even by a camera
    # with no system group: the model and the firmware ("V5.5.3 build 171025")
    Rule("hikvision-camera", "Hikvision", "hikvision", "camera", evidence=(oids.HIK_DEVICE_MODEL,),
         hardware_oid=oids.HIK_DEVICE_MODEL, version_oid=oids.HIK_DEVICE_FIRMWARE,
         hardware_from_entity=False),
    # HIKVISION-MIB: hikEntityType (DVR, NVR, IPC), hikEntityIndex (the serial); no version
    Rule("hikvision", "Hikvision", "hikvision", "camera", _ent("50001"),
         hardware_oid=oids.HIK_ENTITY_TYPE, hardware_names=_HIKVISION_TYPES,
         serial_oid=oids.HIK_ENTITY_INDEX),
    # DAHUA-SNMP-MIB: deviceType (the model), softwareRevision, serialNumber
    Rule("dahua", "Dahua", "dahua", "camera", _ent("1004849"),
         hardware_oid=oids.DAHUA_DEVICE_TYPE, version_oid=oids.DAHUA_SOFTWARE_REVISION,
         serial_oid=oids.DAHUA_SERIAL),
    # -- the rest: a vendor without a kind --------------------------------------------
    Rule("hp-onboard-administrator", "HP", "onboard-administrator", None, _ent("11"),
         r"Onboard Administrator"),  # a blade enclosure's manager: no class for it yet
    # Sangfor appliances run Linux and say so; the sysObjectID arc and the sysDescr's
    # product word tell which: a WAC wireless controller (35047.2.12), an AC access
    # management gateway ("Linux AC 2.4.35.4-AC1.95": its firmware AC1.95), an AD
    # application delivery controller ("Linux AD-1800-FP2 ...", "Linux vAD1 ...": the
    # model; its kernel version is not the product's)
    Rule("sangfor-wac", "Sangfor", "sangfor", "wireless", _ent("35047.2.12"),
         hardware_oid=oids.SANGFOR_MODEL, hardware_oid_pattern=r"^(?P<v>WAC .+?)\s*$",
         hardware_from_entity=False),
    Rule("sangfor-ac", "Sangfor", "sangfor", "firewall", _ent("35047"), r"^Linux AC ",
         version=r"-(?P<v>AC[\d.]+)", hardware_oid=oids.SANGFOR_MODEL,
         hardware_oid_pattern=r"^model=(?P<v>\S+)", hardware_from_entity=False),
    Rule("sangfor-ad", "Sangfor", "sangfor", "load_balancer", _ent("35047"),
         r"^Linux v?AD(?:\d|\b)", hardware=r"^Linux (?P<v>\S+)", hardware_from_entity=False),
    # A Linux server whose maker's agent answers: Supermicro's SuperDoctor (10876) tells
    # the board's model and serial
    Rule("supermicro-linux", "Supermicro", "linux", "server", (), r"^Linux ",
         evidence=(oids.SM_BOARD_MODEL,), version=r"^Linux \S+ (?P<v>\S+)",
         hardware_oid=oids.SM_BOARD_MODEL, serial_oid=oids.SM_BOARD_SERIAL,
         hardware_from_entity=False),
    # A Linux host; an appliance maker's enterprise number names the maker
    Rule("net-snmp-linux", None, "linux", "server", (), r"^Linux ",
         version=r"^Linux \S+ (?P<v>\S+)", hardware=r"(?P<v>\S+)\s*$",
         derive_hardware=_arch, hardware_from_entity=False, fallback_vendor="Linux"),
    # sysDescr names the maker where the enterprise number is not ours to vouch for
    Rule("descr-vendor-hikvision", "Hikvision", None, None, descr=r"^Hikvision\b"),
    Rule("descr-vendor-wrd", "WRD Tech", None, None, descr=r"^WRD Tech\."),
    Rule("descr-vendor-infosec", "Infosec", None, None, descr=r"\bINFOSEC NSAE\b"),
    Rule("descr-vendor-nsfocus", "NSFOCUS", None, None, descr=r"^NSFOCUS\b"),
    Rule("enterprise", None, None, None, _ent("")),  # vendor from the number, if we know it
)
