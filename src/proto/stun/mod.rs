//! STUB (being written): STUN, TURN and MS-TURN messages.
