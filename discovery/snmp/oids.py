"""The OIDs the parsers read, and the subtrees the collector walks to feed them.

Each subtree has a short name used in per-table coverage (which tables answered,
which were empty, which timed out).
"""

from __future__ import annotations

# SNMPv2-MIB system group
SYSTEM = "1.3.6.1.2.1.1"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_CONTACT = "1.3.6.1.2.1.1.4.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"

# IF-MIB
IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"

# IP-MIB
IP_ADDR_ENTRY = "1.3.6.1.2.1.4.20.1"  # ipAddrTable (IPv4 only, deprecated but universal)
IP_ADDRESS_ENTRY = "1.3.6.1.2.1.4.34.1"  # ipAddressTable (v4 and v6)
IPV6_ADDR_ENTRY = "1.3.6.1.2.1.55.1.8.1"  # IPV6-MIB ipv6AddrTable

# ENTITY-MIB
ENT_PHYSICAL_ENTRY = "1.3.6.1.2.1.47.1.1.1.1"
ENT_ALIAS_MAPPING_ENTRY = "1.3.6.1.2.1.47.1.3.2.1"  # port entity -> ifIndex
# HUAWEI-ENTITY-EXTENT-MIB hwRUModuleInfoTable, by entPhysicalIndex: a board's BOM
# description and type, where VRP leaves entPhysicalDescr/ModelName empty or terse
HW_ENTITY_BOM_EN_DESC = "1.3.6.1.4.1.2011.5.25.31.1.1.2.1.2"
HW_ENTITY_BOARD_TYPE = "1.3.6.1.4.1.2011.5.25.31.1.1.2.1.11"

# LLDP-MIB
LLDP_LOC_CHASSIS_ID_SUBTYPE = "1.0.8802.1.1.2.1.3.1.0"
LLDP_LOC_CHASSIS_ID = "1.0.8802.1.1.2.1.3.2.0"
LLDP_LOC_PORT_ENTRY = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM_ENTRY = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR_ENTRY = "1.0.8802.1.1.2.1.4.2.1"

# CISCO-CDP-MIB
CDP_CACHE_ENTRY = "1.3.6.1.4.1.9.9.23.1.2.1.1"

# BRIDGE-MIB / Q-BRIDGE-MIB
DOT1D_BASE_BRIDGE_ADDRESS = "1.3.6.1.2.1.17.1.1.0"
DOT1D_BASE_PORT_ENTRY = "1.3.6.1.2.1.17.1.4.1"
DOT1D_TP_FDB_ENTRY = "1.3.6.1.2.1.17.4.3.1"
DOT1Q_TP_FDB_ENTRY = "1.3.6.1.2.1.17.7.1.2.2.1"
# VLANs (parse_vlans.py): Q-BRIDGE-MIB columns, walked one by one (the rest is not read)
DOT1Q_VLAN_STATIC_NAME = "1.3.6.1.2.1.17.7.1.4.3.1.1"
DOT1Q_VLAN_STATIC_EGRESS = "1.3.6.1.2.1.17.7.1.4.3.1.2"
DOT1Q_VLAN_STATIC_UNTAGGED = "1.3.6.1.2.1.17.7.1.4.3.1.4"
DOT1Q_VLAN_CURRENT_EGRESS = "1.3.6.1.2.1.17.7.1.4.2.1.4"
DOT1Q_VLAN_CURRENT_UNTAGGED = "1.3.6.1.2.1.17.7.1.4.2.1.5"
DOT1Q_PVID = "1.3.6.1.2.1.17.7.1.4.5.1.1"
# ... and CISCO-VTP-MIB / CISCO-VLAN-MEMBERSHIP-MIB
VTP_VLAN_NAME = "1.3.6.1.4.1.9.9.46.1.3.1.1.4"
VLAN_TRUNK_PORT_VLANS_ENABLED = "1.3.6.1.4.1.9.9.46.1.6.1.1.4"
VLAN_TRUNK_PORT_NATIVE_VLAN = "1.3.6.1.4.1.9.9.46.1.6.1.1.5"
VLAN_TRUNK_PORT_DYNAMIC_STATUS = "1.3.6.1.4.1.9.9.46.1.6.1.1.14"
VLAN_TRUNK_PORT_VLANS_ENABLED_2K = "1.3.6.1.4.1.9.9.46.1.6.1.1.17"
VLAN_TRUNK_PORT_VLANS_ENABLED_3K = "1.3.6.1.4.1.9.9.46.1.6.1.1.18"
VLAN_TRUNK_PORT_VLANS_ENABLED_4K = "1.3.6.1.4.1.9.9.46.1.6.1.1.19"
VM_VLAN = "1.3.6.1.4.1.9.9.68.1.2.2.1.2"
# ... and HUAWEI-L2VLAN-MIB hwL2VlanDescr (the VLAN names where Q-BRIDGE has none)
HW_L2_VLAN_DESCR = "1.3.6.1.4.1.2011.5.25.42.3.1.1.1.1.2"
# LAGs (parse_lag.py): IF-MIB ifStackStatus, IEEE8023-LAG-MIB dot3adAggPortTable columns
IF_STACK_STATUS = "1.3.6.1.2.1.31.1.2.1.3"
DOT3AD_AGG_PORT_PARTNER_OPER_SYSTEM_ID = "1.2.840.10006.300.43.1.2.1.1.9"
DOT3AD_AGG_PORT_SELECTED_AGG_ID = "1.2.840.10006.300.43.1.2.1.1.12"
DOT3AD_AGG_PORT_ATTACHED_AGG_ID = "1.2.840.10006.300.43.1.2.1.1.13"
# ARP (parse_arp.py): the physical-address columns of IP-MIB's two neighbour tables
IP_NET_TO_PHYSICAL_PHYS_ADDRESS = "1.3.6.1.2.1.4.35.1.4"
IP_NET_TO_MEDIA_PHYS_ADDRESS = "1.3.6.1.2.1.4.22.1.2"

# HOST-RESOURCES-MIB
HR_MEMORY_SIZE = "1.3.6.1.2.1.25.2.2.0"
HR_STORAGE_ENTRY = "1.3.6.1.2.1.25.2.3.1"
HR_STORAGE_TYPES = "1.3.6.1.2.1.25.2.1"
HR_DEVICE_ENTRY = "1.3.6.1.2.1.25.3.2.1"
HR_PROCESSOR_ENTRY = "1.3.6.1.2.1.25.3.3.1"
HR_SW_RUN_ENTRY = "1.3.6.1.2.1.25.4.2.1"
HR_SW_INSTALLED_ENTRY = "1.3.6.1.2.1.25.6.3.1"

# Printer-MIB (RFC 3805), walked only where it can be (WALK_WHEN)
PRT_GENERAL_ENTRY = "1.3.6.1.2.1.43.5.1.1"
PRT_MARKER_ENTRY = "1.3.6.1.2.1.43.10.2.1"
PRT_MARKER_SUPPLIES_ENTRY = "1.3.6.1.2.1.43.11.1.1"

# Vendor scalars used for classification (see classify.py)
JNX_BOX_DESCR = "1.3.6.1.4.1.2636.3.1.2.0"
JNX_BOX_SERIAL = "1.3.6.1.4.1.2636.3.1.3.0"
MTXR_LICENSE_VERSION = "1.3.6.1.4.1.14988.1.1.4.4.0"
MTXR_SERIAL = "1.3.6.1.4.1.14988.1.1.7.3.0"
MTXR_NEIGHBOR_ENTRY = "1.3.6.1.4.1.14988.1.1.11.1.1"  # MIKROTIK-MIB mtxrNeighborTable

FG_SYS_VERSION = "1.3.6.1.4.1.12356.101.4.1.1.0"  # FORTINET-FORTIGATE-MIB fgSysVersion
HW_DEVICE_ESN = "1.3.6.1.4.1.2011.5.25.188.1.1.0"  # HUAWEI-DEVICE-EXT-MIB hwDeviceEsn
# HH3C-ENTITY-EXT-MIB hh3cEntityExtManuSerialNum of entity 1 (Comware's chassis): the
# manufacturing serial, where entPhysicalSerialNum may hold another
H3C_MANU_SERIAL_1 = "1.3.6.1.4.1.25506.2.6.1.2.1.1.2.1"
HILLSTONE_SERIAL = "1.3.6.1.4.1.28557.2.2.1.1.0"  # HILLSTONE-SYSTEM-MIB sysSerialNumber
HILLSTONE_SOFTWARE = "1.3.6.1.4.1.28557.2.2.1.2.0"  # sysSoftware
HIK_ENTITY_INDEX = "1.3.6.1.4.1.50001.1.3.0"  # HIKVISION-MIB: the serial
HIK_ENTITY_TYPE = "1.3.6.1.4.1.50001.1.100.0"  # DVR(1), NVR(2), IPC(3)
DAHUA_SOFTWARE_REVISION = "1.3.6.1.4.1.1004849.2.1.1.1.0"  # DAHUA-SNMP-MIB
DAHUA_SERIAL = "1.3.6.1.4.1.1004849.2.1.2.4.0"
DAHUA_DEVICE_TYPE = "1.3.6.1.4.1.1004849.2.1.2.6.0"
# HUAWEI-SERVER-IBMC-MIB (a Huawei server's iBMC): deviceName (the server's model),
# deviceSerialNo, and firmwareVersion of the firmware named "Active iBMC" (index: the name)
IBMC_DEVICE_NAME = "1.3.6.1.4.1.2011.2.235.1.1.1.6.0"
IBMC_DEVICE_SERIAL = "1.3.6.1.4.1.2011.2.235.1.1.1.7.0"
IBMC_FIRMWARE_VERSION = "1.3.6.1.4.1.2011.2.235.1.1.11.50.1.4.11." + ".".join(
    str(ord(c)) for c in "Active iBMC"
)
CPQ_SI_SERIAL = "1.3.6.1.4.1.232.2.2.2.1.0"  # CPQSINFO-MIB cpqSiSysSerialNum
CPQ_SI_PRODUCT_NAME = "1.3.6.1.4.1.232.2.2.4.2.0"  # cpqSiProductName
HIK_DEVICE_MODEL = "1.3.6.1.4.1.39165.1.1.0"  # HIK-DEVICE-MIB (cameras): the model
HIK_DEVICE_FIRMWARE = "1.3.6.1.4.1.39165.1.3.0"  # and the firmware version
KONICA_SOFTWARE_VERSION = "1.3.6.1.4.1.18334.1.1.1.1.6.1.0"  # Konica Minolta's MIB
KONICA_PRODUCT_NAME = "1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0"
# Sharp's private MIB: the firmware version of unit 1 (as LibreNMS's sharp os reads it)
SHARP_FIRMWARE_VERSION = "1.3.6.1.4.1.2385.2.1.1.2.1.2.1"
# Sangfor's appliances (enterprise 35047): 35047.1.1.0 holds the product model on an AC
# ("model=M5400") and a WAC ("WAC m5800"), the main board on an AD ("LIHUA-H61")
SANGFOR_MODEL = "1.3.6.1.4.1.35047.1.1.0"
SM_BOARD_MODEL = "1.3.6.1.4.1.10876.100.1.6.1.11.1"  # Supermicro SuperDoctor: board model
SM_BOARD_SERIAL = "1.3.6.1.4.1.10876.100.1.6.1.16.1"  # and its serial
BR_INFO_SERIAL = "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0"  # BROTHER-MIB brInfoSerialNumber
BR_FIRMWARE_DESCRIPTION = "1.3.6.1.4.1.2435.2.4.3.1240.6.5.0"  # brpsFirmwareDescription
BR_MDNS_PRINTER_NAME = "1.3.6.1.4.1.2435.2.4.3.2435.5.13.3.0"  # brmDNSPrinterName

# PowerNet-MIB (APC): the UPS behind the management card
APC_UPS_BASIC_IDENT_MODEL = "1.3.6.1.4.1.318.1.1.1.1.1.1.0"  # upsBasicIdentModel
APC_UPS_ADV_IDENT_FIRMWARE = "1.3.6.1.4.1.318.1.1.1.1.2.1.0"  # upsAdvIdentFirmwareRevision
APC_UPS_ADV_IDENT_SERIAL = "1.3.6.1.4.1.318.1.1.1.1.2.3.0"  # upsAdvIdentSerialNumber

# MG-SNMP-UPS-MIB (MGE, now Eaton) upsmgIdent
MGE_UPS_IDENT_FAMILY = "1.3.6.1.4.1.705.1.1.1.0"  # upsmgIdentFamilyName
MGE_UPS_IDENT_MODEL = "1.3.6.1.4.1.705.1.1.2.0"  # upsmgIdentModelName
MGE_UPS_IDENT_FIRMWARE = "1.3.6.1.4.1.705.1.1.4.0"  # upsmgIdentFirmwareVersion
MGE_UPS_IDENT_SERIAL = "1.3.6.1.4.1.705.1.1.7.0"  # upsmgIdentSerialNumber

# UPS-MIB (RFC 1628) upsIdent group: an agent that answers these speaks for a UPS
UPS_IDENT_MANUFACTURER = "1.3.6.1.2.1.33.1.1.1.0"
UPS_IDENT_MODEL = "1.3.6.1.2.1.33.1.1.2.0"
UPS_IDENT_UPS_SOFTWARE = "1.3.6.1.2.1.33.1.1.3.0"
UPS_IDENT_AGENT_SOFTWARE = "1.3.6.1.2.1.33.1.1.4.0"

# name -> subtree root, in the order the collector walks them. Scalars that are
# not under a walked subtree are fetched with GET (see SCALARS).
SUBTREES: dict[str, str] = {
    "system": SYSTEM,
    "ifTable": IF_ENTRY,
    "ifXTable": IFX_ENTRY,
    "ipAddrTable": IP_ADDR_ENTRY,
    "ipAddressTable": IP_ADDRESS_ENTRY,
    "ipv6AddrTable": IPV6_ADDR_ENTRY,
    "entPhysicalTable": ENT_PHYSICAL_ENTRY,
    "entAliasMappingTable": ENT_ALIAS_MAPPING_ENTRY,
    "hwEntityBomEnDesc": HW_ENTITY_BOM_EN_DESC,
    "hwEntityBoardType": HW_ENTITY_BOARD_TYPE,
    "lldpLocPortTable": LLDP_LOC_PORT_ENTRY,
    "lldpRemTable": LLDP_REM_ENTRY,
    "lldpRemManAddrTable": LLDP_REM_MAN_ADDR_ENTRY,
    "cdpCacheTable": CDP_CACHE_ENTRY,
    "dot1dBasePortTable": DOT1D_BASE_PORT_ENTRY,
    "dot1dTpFdbTable": DOT1D_TP_FDB_ENTRY,
    "dot1qTpFdbTable": DOT1Q_TP_FDB_ENTRY,
    "dot1qVlanStaticName": DOT1Q_VLAN_STATIC_NAME,
    "dot1qVlanStaticEgressPorts": DOT1Q_VLAN_STATIC_EGRESS,
    "dot1qVlanStaticUntaggedPorts": DOT1Q_VLAN_STATIC_UNTAGGED,
    "dot1qVlanCurrentEgressPorts": DOT1Q_VLAN_CURRENT_EGRESS,
    "dot1qVlanCurrentUntaggedPorts": DOT1Q_VLAN_CURRENT_UNTAGGED,
    "dot1qPvid": DOT1Q_PVID,
    "vtpVlanName": VTP_VLAN_NAME,
    "vlanTrunkPortDynamicStatus": VLAN_TRUNK_PORT_DYNAMIC_STATUS,
    "vlanTrunkPortNativeVlan": VLAN_TRUNK_PORT_NATIVE_VLAN,
    "vlanTrunkPortVlansEnabled": VLAN_TRUNK_PORT_VLANS_ENABLED,
    "vlanTrunkPortVlansEnabled2k": VLAN_TRUNK_PORT_VLANS_ENABLED_2K,
    "vlanTrunkPortVlansEnabled3k": VLAN_TRUNK_PORT_VLANS_ENABLED_3K,
    "vlanTrunkPortVlansEnabled4k": VLAN_TRUNK_PORT_VLANS_ENABLED_4K,
    "vmVlan": VM_VLAN,
    "hwL2VlanDescr": HW_L2_VLAN_DESCR,
    "ifStackStatus": IF_STACK_STATUS,
    "dot3adAggPortSelectedAggID": DOT3AD_AGG_PORT_SELECTED_AGG_ID,
    "dot3adAggPortAttachedAggID": DOT3AD_AGG_PORT_ATTACHED_AGG_ID,
    "dot3adAggPortPartnerOperSystemID": DOT3AD_AGG_PORT_PARTNER_OPER_SYSTEM_ID,
    "ipNetToPhysicalPhysAddress": IP_NET_TO_PHYSICAL_PHYS_ADDRESS,
    "ipNetToMediaPhysAddress": IP_NET_TO_MEDIA_PHYS_ADDRESS,
    "hrStorageTable": HR_STORAGE_ENTRY,
    "hrDeviceTable": HR_DEVICE_ENTRY,
    "prtMarkerSuppliesTable": PRT_MARKER_SUPPLIES_ENTRY,
    "prtGeneralTable": PRT_GENERAL_ENTRY,
    "prtMarkerTable": PRT_MARKER_ENTRY,
    "hrProcessorTable": HR_PROCESSOR_ENTRY,
    "hrSWRunTable": HR_SW_RUN_ENTRY,
    "hrSWInstalledTable": HR_SW_INSTALLED_ENTRY,
    "mtxrNeighborTable": MTXR_NEIGHBOR_ENTRY,
}

# Tables walked only when another one's answer leaves them needed: table -> (that
# table, True: walk when it has rows / False: when it is empty). That table comes first
# in SUBTREES; when it failed, the dependent one is walked all the same.
WALK_WHEN: dict[str, tuple[str, bool]] = {
    "dot1qVlanCurrentEgressPorts": ("dot1qVlanStaticEgressPorts", False),
    "dot1qVlanCurrentUntaggedPorts": ("dot1qVlanStaticEgressPorts", False),
    "vtpVlanName": ("dot1qVlanStaticName", False),
    "vlanTrunkPortDynamicStatus": ("vtpVlanName", True),
    "vlanTrunkPortNativeVlan": ("vtpVlanName", True),
    "vlanTrunkPortVlansEnabled": ("vtpVlanName", True),
    "vlanTrunkPortVlansEnabled2k": ("vtpVlanName", True),
    "vlanTrunkPortVlansEnabled3k": ("vtpVlanName", True),
    "vlanTrunkPortVlansEnabled4k": ("vtpVlanName", True),
    "vmVlan": ("vtpVlanName", True),
    "hwL2VlanDescr": ("dot1qVlanStaticName", False),
    "dot3adAggPortAttachedAggID": ("dot3adAggPortSelectedAggID", True),
    "dot3adAggPortPartnerOperSystemID": ("dot3adAggPortSelectedAggID", True),
    # Huawei's entity extension: only where ENTITY-MIB answered (one request elsewhere),
    # the board types only where the BOM descriptions did
    "hwEntityBomEnDesc": ("entPhysicalTable", True),
    "hwEntityBoardType": ("hwEntityBomEnDesc", True),
    # Printer-MIB: the supplies table always (one request where it is empty: a printer's
    # agent need not list HOST-RESOURCES devices, a Xerox AltaLink does not), the rest
    # only where it answered
    "prtGeneralTable": ("prtMarkerSuppliesTable", True),
    "prtMarkerTable": ("prtMarkerSuppliesTable", True),
}

SCALARS: dict[str, str] = {
    "dot1dBaseBridgeAddress": DOT1D_BASE_BRIDGE_ADDRESS,
    "hrMemorySize": HR_MEMORY_SIZE,
    "lldpLocChassisIdSubtype": LLDP_LOC_CHASSIS_ID_SUBTYPE,
    "lldpLocChassisId": LLDP_LOC_CHASSIS_ID,
    "jnxBoxDescr": JNX_BOX_DESCR,
    "jnxBoxSerialNo": JNX_BOX_SERIAL,
    "mtxrLicVersion": MTXR_LICENSE_VERSION,
    "mtxrSerialNumber": MTXR_SERIAL,
    "fgSysVersion": FG_SYS_VERSION,
    "hwDeviceEsn": HW_DEVICE_ESN,
    "hh3cEntityExtManuSerialNum.1": H3C_MANU_SERIAL_1,
    "hillstoneSysSerialNumber": HILLSTONE_SERIAL,
    "hillstoneSysSoftware": HILLSTONE_SOFTWARE,
    "hikEntityIndex": HIK_ENTITY_INDEX,
    "hikEntityType": HIK_ENTITY_TYPE,
    "dahuaSoftwareRevision": DAHUA_SOFTWARE_REVISION,
    "dahuaSerialNumber": DAHUA_SERIAL,
    "dahuaDeviceType": DAHUA_DEVICE_TYPE,
    "ibmcDeviceName": IBMC_DEVICE_NAME,
    "ibmcDeviceSerialNo": IBMC_DEVICE_SERIAL,
    "ibmcFirmwareVersion": IBMC_FIRMWARE_VERSION,
    "cpqSiSysSerialNum": CPQ_SI_SERIAL,
    "cpqSiProductName": CPQ_SI_PRODUCT_NAME,
    "hikDeviceModel": HIK_DEVICE_MODEL,
    "hikDeviceFirmware": HIK_DEVICE_FIRMWARE,
    "konicaSoftwareVersion": KONICA_SOFTWARE_VERSION,
    "konicaProductName": KONICA_PRODUCT_NAME,
    "sharpFirmwareVersion": SHARP_FIRMWARE_VERSION,
    "sangforModel": SANGFOR_MODEL,
    "smBoardModel": SM_BOARD_MODEL,
    "smBoardSerial": SM_BOARD_SERIAL,
    "brInfoSerialNumber": BR_INFO_SERIAL,
    "brpsFirmwareDescription": BR_FIRMWARE_DESCRIPTION,
    "brmDNSPrinterName": BR_MDNS_PRINTER_NAME,
    "upsIdentManufacturer": UPS_IDENT_MANUFACTURER,
    "upsIdentModel": UPS_IDENT_MODEL,
    "upsIdentUPSSoftwareVersion": UPS_IDENT_UPS_SOFTWARE,
    "upsIdentAgentSoftwareVersion": UPS_IDENT_AGENT_SOFTWARE,
    "upsBasicIdentModel": APC_UPS_BASIC_IDENT_MODEL,
    "upsAdvIdentFirmwareRevision": APC_UPS_ADV_IDENT_FIRMWARE,
    "upsAdvIdentSerialNumber": APC_UPS_ADV_IDENT_SERIAL,
    "upsmgIdentFamilyName": MGE_UPS_IDENT_FAMILY,
    "upsmgIdentModelName": MGE_UPS_IDENT_MODEL,
    "upsmgIdentFirmwareVersion": MGE_UPS_IDENT_FIRMWARE,
    "upsmgIdentSerialNumber": MGE_UPS_IDENT_SERIAL,
}
