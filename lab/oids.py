"""The OIDs the lab reads or rewrites, named once."""

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_TYPE = "1.3.6.1.2.1.2.2.1.3"
IF_PHYS_ADDRESS = "1.3.6.1.2.1.2.2.1.6"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IP_ADDR_TABLE = "1.3.6.1.2.1.4.20"
IP_ADDR_ENTRY = "1.3.6.1.2.1.4.20.1"
IP_NET_TO_MEDIA = "1.3.6.1.2.1.4.22"
IP_ADDRESS_TABLE = "1.3.6.1.2.1.4.34"
IP_NET_TO_PHYSICAL = "1.3.6.1.2.1.4.35"
ENT_PHYSICAL_SERIAL = "1.3.6.1.2.1.47.1.1.1.1.11"
# Vendor scalars that carry the device's serial (discovery reads them before ENTITY-MIB):
# a clone that kept its base's would be its base's twin to discovery
JNX_BOX_SERIAL = "1.3.6.1.4.1.2636.3.1.3.0"
MTXR_SERIAL = "1.3.6.1.4.1.14988.1.1.7.3.0"
VENDOR_SERIALS = (
    JNX_BOX_SERIAL,
    MTXR_SERIAL,
    "1.3.6.1.4.1.2011.5.25.188.1.1.0",  # HUAWEI-DEVICE-EXT-MIB hwDeviceEsn
    "1.3.6.1.4.1.2011.2.235.1.1.1.7.0",  # HUAWEI-SERVER-IBMC-MIB deviceSerialNo
    "1.3.6.1.4.1.25506.2.6.1.2.1.1.2.1",  # HH3C-ENTITY-EXT-MIB hh3cEntityExtManuSerialNum.1
    "1.3.6.1.4.1.28557.2.2.1.1.0",  # HILLSTONE-SYSTEM-MIB sysSerialNumber
    "1.3.6.1.4.1.50001.1.3.0",  # HIKVISION-MIB hikEntityIndex
    "1.3.6.1.4.1.1004849.2.1.2.4.0",  # DAHUA-SNMP-MIB serialNumber
    "1.3.6.1.4.1.232.2.2.2.1.0",  # CPQSINFO-MIB cpqSiSysSerialNum
    "1.3.6.1.4.1.10876.100.1.6.1.16.1",  # Supermicro SuperDoctor: the board's serial
    "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0",  # BROTHER-MIB brInfoSerialNumber
    "1.3.6.1.4.1.318.1.1.1.1.2.3.0",  # PowerNet-MIB upsAdvIdentSerialNumber
    "1.3.6.1.4.1.705.1.1.7.0",  # MG-SNMP-UPS-MIB upsmgIdentSerialNumber
)
DOT1D_BASE_BRIDGE_ADDRESS = "1.3.6.1.2.1.17.1.1.0"
DOT1D_BASE_PORT_IFINDEX = "1.3.6.1.2.1.17.1.4.1.2"
DOT1D_TP_FDB = "1.3.6.1.2.1.17.4.3"
DOT1Q_TP_FDB = "1.3.6.1.2.1.17.7.1.2.2"
LLDP_LOC_CHASSIS_ID_SUBTYPE = "1.0.8802.1.1.2.1.3.1.0"
LLDP_LOC_CHASSIS_ID = "1.0.8802.1.1.2.1.3.2.0"
LLDP_LOC_PORT_ID = "1.0.8802.1.1.2.1.3.7.1.3"
LLDP_LOC_PORT_DESC = "1.0.8802.1.1.2.1.3.7.1.4"
LLDP_REMOTE_DATA = "1.0.8802.1.1.2.1.4"
LLDP_REM_ENTRY = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR_ENTRY = "1.0.8802.1.1.2.1.4.2.1"
CDP_CACHE = "1.3.6.1.4.1.9.9.23.1.2.1"
CDP_CACHE_ENTRY = "1.3.6.1.4.1.9.9.23.1.2.1.1"
HOST_RESOURCES = "1.3.6.1.2.1.25"
ETHERNET_CSMACD = "6"
