-- Names for numbers stored on the wire's terms.

-- rrtype and qtype are smallint columns; the writer stores a 16-bit type
-- number in them as it is on the wire, so types from 32768 up (TA, DLV,
-- private use) read back negative: they are named by their unsigned value.
CREATE OR REPLACE FUNCTION fw_rrtype_name(t integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE t WHEN 1 THEN 'A' WHEN 2 THEN 'NS' WHEN 5 THEN 'CNAME' WHEN 6 THEN 'SOA'
        WHEN 12 THEN 'PTR' WHEN 15 THEN 'MX' WHEN 16 THEN 'TXT' WHEN 28 THEN 'AAAA'
        WHEN 33 THEN 'SRV' WHEN 39 THEN 'DNAME' WHEN 43 THEN 'DS' WHEN 46 THEN 'RRSIG'
        WHEN 47 THEN 'NSEC' WHEN 48 THEN 'DNSKEY' WHEN 64 THEN 'SVCB' WHEN 65 THEN 'HTTPS'
        ELSE 'TYPE' || (CASE WHEN t < 0 THEN t + 65536 ELSE t END) END $$;
COMMENT ON FUNCTION fw_rrtype_name(integer) IS 'DNS RR type number to its mnemonic (TYPEn when unknown).';
