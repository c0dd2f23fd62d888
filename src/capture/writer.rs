//! STUB (being written): pcap and pcapng writers for tests and generated captures.
