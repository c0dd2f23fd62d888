-- edgecap-msturn.lua: MS-TURN over TCP for Wireshark 4.x (part of edgecap, MIT licence).
--
-- What it decodes (docs/wireshark.md in the edgecap repository has the details):
--   * the MS-TURN pseudo-TLS handshake on TCP ([MS-TURN] 2.1.1): the fixed 50-byte
--     ClientHello and the 83-byte ServerHello + ServerHelloDone, recognised by their
--     fixed bytes (libnice socket/pseudossl.c), never by the port alone;
--   * the MS-TURN TCP framing ([MS-TURN] 2.1.4): 02 00 LEN (a TURN control message)
--     and 03 00 LEN (end-to-end data; ICE checks travel here too);
--   * RFC 4571 framing (ICE-TCP, RFC 6544): a two-byte length before each record;
--   * records split across TCP segments or several in one segment (desegment_len /
--     desegment_offset), every STUN message handed to Wireshark's own STUN dissector
--     ("stun-udp", or "classicstun" for cookieless RFC 3489 messages);
--   * a TCP RST on a relayed media port (50000-59999 by default) gets an expert-info
--     warning: the A/V Edge's TCP media path was refused.
--
-- Install: copy this file into Wireshark's personal Lua plugins folder
-- (Linux/macOS: ~/.local/lib/wireshark/plugins/, Windows: %APPDATA%\Wireshark\plugins\)
-- or run `tshark -X lua_script:edgecap-msturn.lua ...`.
-- For out-of-order TCP segments enable TCP's "Reassemble out-of-order segments"
-- (tcp.reassemble_out_of_order) and for MS-TURN's unpadded attributes set STUN's
-- version to Auto (stun.stunversion).
--
-- Every length is checked against the bytes present before it is used; a record
-- that does not fit the framing ends the decoding of that segment (shown as data).

local msturn = Proto("edgecap_msturn", "MS-TURN over TCP (edgecap)")

local FRAME_TYPES = { [2] = "control (TURN message)", [3] = "data" }

local f_handshake = ProtoField.string("edgecap_msturn.pseudo_tls", "Pseudo-TLS record")
local f_framing = ProtoField.string("edgecap_msturn.framing", "Framing")
local f_type = ProtoField.uint8("edgecap_msturn.frame_type", "Frame type", base.HEX, FRAME_TYPES)
local f_length = ProtoField.uint16("edgecap_msturn.length", "Length", base.DEC)
local f_payload = ProtoField.bytes("edgecap_msturn.payload", "Payload")
msturn.fields = { f_handshake, f_framing, f_type, f_length, f_payload }

local relay = Proto("edgecap_relay", "TCP on a relay port (edgecap)")
local f_rst = ProtoField.bool("edgecap_relay.rst", "RST on a relay port")
relay.fields = { f_rst }
local ef_rst = ProtoExpert.new("edgecap_relay.rst.expert",
    "TCP RST on a relay port: the edge's TCP media path was refused",
    expert.group.SEQUENCE, expert.severity.WARN)
relay.experts = { ef_rst }
relay.prefs.low = Pref.uint("Lowest relay port", 50000, "Start of the A/V Edge's relayed media port range")
relay.prefs.high = Pref.uint("Highest relay port", 59999, "End of the A/V Edge's relayed media port range")
relay.prefs.edge_ports = Pref.string("Edge service ports", "443,3478,5062",
    "A RST to or from one of these ports (TURN over TCP and UDP, MRAS) is the service's, not the relay's")

local tcp_stream = Field.new("tcp.stream")
local tcp_reset = Field.new("tcp.flags.reset")
local tcp_srcport = Field.new("tcp.srcport")
local tcp_dstport = Field.new("tcp.dstport")

local stun_udp = Dissector.get("stun-udp")
local classicstun = Dissector.get("classicstun")
local tls = Dissector.get("tls")
local data = Dissector.get("data")

-- Framing of each TCP stream once recognised ("ms-turn" or "rfc4571"), by tcp.stream.
local stream_framing = {}
function msturn.init()
    stream_framing = {}
end

-- [MS-TURN] 2.1.1: fixed bytes (offset, bytes) and exact length of each pseudo-TLS record.
local CLIENT_HELLO = {
    len = 50, name = "ClientHello (pseudo-TLS)",
    fixed = { { 0, { 0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01 } },
              { 43, { 0x00, 0x00, 0x02, 0x00, 0x18, 0x01, 0x00 } } },
}
local SERVER_HELLO = {
    len = 83, name = "ServerHello + ServerHelloDone (pseudo-TLS)",
    fixed = { { 0, { 0x16, 0x03, 0x01, 0x00, 0x4e, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01 } },
              { 43, { 0x20 } },
              { 76, { 0x00, 0x18, 0x00, 0x0e, 0x00, 0x00, 0x00 } } },
}
-- The MS-TURN MAGIC-COOKIE attribute that opens every MS-TURN control message.
local MS_MAGIC_TLV = { 0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6, 0x4b, 0xc6 }
local STUN_COOKIE = 0x2112a442
local STUN_HEADER_LEN = 20
-- RFC 3489 message types (the cookieless dialect), as edgecap's CLASSIC_TYPES.
local CLASSIC_TYPES = {}
for _, t in ipairs({ 0x0001, 0x0101, 0x0111, 0x0002, 0x0102, 0x0112, 0x0003, 0x0103, 0x0113,
                     0x0004, 0x0104, 0x0114, 0x0115, 0x0006, 0x0106, 0x0116 }) do
    CLASSIC_TYPES[t] = true
end

-- Whether the present bytes of `tvb` from `offset` (at most `avail`) agree with the
-- record's fixed bytes: "yes" (whole record present), "more" (agree so far) or "no".
local function match_fixed(tvb, offset, avail, rec)
    for _, part in ipairs(rec.fixed) do
        local at, bytes = part[1], part[2]
        for i, b in ipairs(bytes) do
            local pos = at + i - 1
            if pos < avail and tvb(offset + pos, 1):uint() ~= b then
                return "no"
            end
        end
    end
    if avail >= rec.len then return "yes" end
    return "more"
end

local function has_magic_tlv(tvb, offset, avail)
    if avail < #MS_MAGIC_TLV then return false end
    for i, b in ipairs(MS_MAGIC_TLV) do
        if tvb(offset + i - 1, 1):uint() ~= b then return false end
    end
    return true
end

-- Whether the attributes of the body [offset, offset+len) end exactly at its end,
-- with (padded) or without (MS-TURN, legacy) 4-byte padding.
local function walk_is_exact(tvb, offset, len, padded)
    local pos = 0
    while pos < len do
        if len - pos < 4 then return false end
        local alen = tvb(offset + pos + 2, 2):uint()
        if padded then alen = alen + (4 - alen % 4) % 4 end
        pos = pos + 4 + alen
    end
    return pos == len
end

-- Whether `len` bytes at `offset` are exactly one STUN message (edgecap's probe:
-- first byte at most 3, the length matches, the attributes walk exactly, and a
-- cookieless message has an RFC 3489 type).
local function is_stun(tvb, offset, len)
    if len < STUN_HEADER_LEN then return false end
    if tvb(offset, 1):uint() > 3 then return false end
    if STUN_HEADER_LEN + tvb(offset + 2, 2):uint() ~= len then return false end
    local body, blen = offset + STUN_HEADER_LEN, len - STUN_HEADER_LEN
    if has_magic_tlv(tvb, body, blen) then
        return walk_is_exact(tvb, body, blen, false)
    end
    if tvb(offset + 4, 4):uint() == STUN_COOKIE then
        return walk_is_exact(tvb, body, blen, true) or walk_is_exact(tvb, body, blen, false)
    end
    if not CLASSIC_TYPES[tvb(offset, 2):uint()] then return false end
    return walk_is_exact(tvb, body, blen, false) or walk_is_exact(tvb, body, blen, true)
end

-- Call `dissector` on `sub`; a message it finds malformed (an error raised through
-- Lua) counts as taken, so the records after it in the segment are still decoded
-- and no Lua error reaches the packet tree.
local function try_call(dissector, sub, pinfo, tree)
    local ok, n = pcall(Dissector.call, dissector, sub, pinfo, tree)
    if not ok then return sub:len() end
    return n
end

-- Hand one STUN message to Wireshark's STUN dissector: "stun-udp" when the header
-- carries the RFC 5389 cookie, "classicstun" for the cookieless (RFC 3489 / OCS 2007)
-- form, which "stun-udp" takes without decoding.
local function call_stun(sub, pinfo, tree)
    if sub:len() < STUN_HEADER_LEN then
        data:call(sub, pinfo, tree)
        return
    end
    if sub(4, 4):uint() == STUN_COOKIE then
        if try_call(stun_udp, sub, pinfo, tree) > 0 then return end
    elseif try_call(classicstun, sub, pinfo, tree) > 0 then
        return
    end
    data:call(sub, pinfo, tree)
end

-- The record at `offset`: returns its kind ("client", "server", "ms-turn", "rfc4571")
-- and total length, or "more" and the bytes needed to decide (always more than
-- `avail`), or nil when none fits. A stream of unknown framing is taken for RFC 4571
-- only when `rfc4571` is set (not on TCP 443, where TLS must keep its segments).
local function classify(tvb, offset, avail, framing, rfc4571)
    if avail < 2 then return "more", 2 end
    local b0, b1 = tvb(offset, 1):uint(), tvb(offset + 1, 1):uint()
    if framing == "rfc4571" then
        return "rfc4571", 2 + tvb(offset, 2):uint()
    end
    if (b0 == 2 or b0 == 3) and b1 == 0 then
        if avail < 4 then return "more", 4 end
        local len = 4 + tvb(offset + 2, 2):uint()
        if framing == "ms-turn" or b0 == 3 then
            return "ms-turn", len
        end
        -- A stream's first control frame: its message opens with MAGIC-COOKIE.
        local magic = 4 + STUN_HEADER_LEN
        if avail < magic + #MS_MAGIC_TLV then return "more", magic + #MS_MAGIC_TLV end
        if has_magic_tlv(tvb, offset + magic, avail - magic) then return "ms-turn", len end
        return nil
    end
    if b0 == 0x16 then
        for _, rec in ipairs({ CLIENT_HELLO, SERVER_HELLO }) do
            local m = match_fixed(tvb, offset, avail, rec)
            if m == "yes" then
                return rec == CLIENT_HELLO and "client" or "server", rec.len
            elseif m == "more" then
                return "more", rec.len
            end
        end
        return nil
    end
    -- RFC 4571 on a stream not yet known: a STUN message behind the two-byte length.
    if framing == nil and rfc4571 then
        if avail < 10 then return "more", 10 end
        if tvb(offset + 6, 4):uint() == STUN_COOKIE then
            return "rfc4571", 2 + tvb(offset, 2):uint()
        end
    end
    return nil
end

local function dissect_record(tvb, pinfo, tree, offset, kind, len)
    local rec = tvb(offset, len)
    local item = tree:add(msturn, rec)
    if kind == "client" or kind == "server" then
        local name = kind == "client" and CLIENT_HELLO.name or SERVER_HELLO.name
        item:add(f_handshake, rec, name)
        item:append_text(": " .. name)
        pinfo.cols.info:append(" " .. name)
        return
    end
    local header = kind == "ms-turn" and 4 or 2
    if len == header then
        -- An empty record: its header is all there is.
        item:add(f_length, tvb(offset + header - 2, 2))
        item:append_text(": empty record")
        return
    end
    local payload = tvb(offset + header, len - header):tvb()
    if kind == "ms-turn" then
        local ftype = tvb(offset, 1):uint()
        item:add(f_framing, tvb(offset, 4), "MS-TURN")
        item:add(f_type, tvb(offset, 1))
        item:add(f_length, tvb(offset + 2, 2))
        item:append_text(": MS-TURN " .. (FRAME_TYPES[ftype] or "frame") .. ", " .. (len - 4) .. " bytes")
        if ftype == 2 or is_stun(payload, 0, payload:len()) then
            call_stun(payload, pinfo, tree)
        else
            item:add(f_payload, tvb(offset + 4, len - 4))
        end
    else
        item:add(f_framing, tvb(offset, 2), "RFC 4571")
        item:add(f_length, tvb(offset, 2))
        item:append_text(": RFC 4571 record, " .. (len - 2) .. " bytes")
        if is_stun(payload, 0, payload:len()) then
            call_stun(payload, pinfo, tree)
        else
            item:add(f_payload, tvb(offset + 2, len - 2))
        end
    end
end

-- Decode every record of the segment; returns the bytes consumed, or 0 when the
-- segment does not start with one (the caller then tries another dissector).
local function dissect_records(tvb, pinfo, tree, rfc4571)
    local stream = tcp_stream()
    local key = stream and stream.value
    local framing = key and stream_framing[key]
    if framing == "tls" then return 0 end
    local total = tvb:len()
    local offset = 0
    while offset < total do
        local avail = total - offset
        local kind, len = classify(tvb, offset, avail, framing, rfc4571)
        if kind == nil then
            if offset == 0 then return 0 end
            data:call(tvb(offset):tvb(), pinfo, tree)
            return total
        end
        if len > avail then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = len - avail
            return total
        end
        if framing == nil then
            framing = (kind == "rfc4571") and "rfc4571" or "ms-turn"
            if key then stream_framing[key] = framing end
        end
        if offset == 0 then
            pinfo.cols.protocol = "MS-TURN"
            if framing == "rfc4571" then pinfo.cols.protocol = "RFC4571" end
        end
        dissect_record(tvb, pinfo, tree, offset, kind, len)
        offset = offset + len
    end
    return total
end

-- TCP 443: MS-TURN when the stream is (or starts as) MS-TURN, otherwise real TLS.
function msturn.dissector(tvb, pinfo, tree)
    local n = dissect_records(tvb, pinfo, tree, false)
    if n > 0 then return n end
    local stream = tcp_stream()
    local key = stream and stream.value
    if key ~= nil and stream_framing[key] ~= nil and stream_framing[key] ~= "tls" then
        -- An MS-TURN stream resumed mid-record (after a gap): its bytes are not TLS.
        pinfo.cols.protocol = "MS-TURN"
        pinfo.cols.info:append(" [continuation]")
        data:call(tvb, pinfo, tree)
        return tvb:len()
    end
    if key ~= nil then stream_framing[key] = "tls" end
    return try_call(tls, tvb, pinfo, tree)
end

-- Any other TCP port: claim a stream that opens with the pseudo ClientHello, an
-- MS-TURN control frame or an RFC 4571 STUN message, and keep it.
local function heuristic(tvb, pinfo, tree)
    local stream = tcp_stream()
    if stream == nil or stream_framing[stream.value] == nil then
        local kind, len = classify(tvb, 0, tvb:len(), nil, true)
        if kind == nil or kind == "more" then return false end
        if kind == "rfc4571" or kind == "ms-turn" then
            if len > tvb:len() then return false end
            local header = kind == "ms-turn" and 4 or 2
            if not is_stun(tvb(header, len - header):tvb(), 0, len - header) then return false end
        end
    end
    pinfo.conversation = msturn
    return dissect_records(tvb, pinfo, tree, true) > 0
end

DissectorTable.get("tcp.port"):add(443, msturn)
msturn:register_heuristic("tcp", heuristic)

-- Whether `port` is in the comma-separated list `list`.
local function in_list(port, list)
    for p in string.gmatch(list, "%d+") do
        if tonumber(p) == port then return true end
    end
    return false
end

-- Every TCP RST between a relay port and a port that is no edge service port gets an
-- expert-info warning (a client's ephemeral port may fall into the relay range too).
function relay.dissector(tvb, pinfo, tree)
    local rst = tcp_reset()
    if rst == nil or not rst.value then return end
    local low, high = relay.prefs.low, relay.prefs.high
    local src, dst = tcp_srcport().value, tcp_dstport().value
    if in_list(src, relay.prefs.edge_ports) or in_list(dst, relay.prefs.edge_ports) then return end
    -- The RST's destination first: the port of the side whose connection was refused.
    local port
    if dst >= low and dst <= high then port = dst elseif src >= low and src <= high then port = src end
    if port == nil then return end
    local item = tree:add(relay, tvb(0, 0))
    item:add(f_rst, true):set_generated()
    item:add_proto_expert_info(ef_rst, "TCP RST on relay port " .. port ..
        ": the edge's TCP media path was refused (open TCP " .. low .. "-" .. high .. ")")
end
register_postdissector(relay)
