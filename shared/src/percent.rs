//! Percent-encoding (RFC 3986) of path segments and query values, for the server's redirects
//! and upstream requests and the SPA's API calls alike.

/// Percent-encodes everything but unreserved characters and the `also_keep` bytes.
pub fn encode(text: &str, also_keep: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || also_keep.contains(&byte)
        {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_and_kept_bytes_stay() {
        assert_eq!(encode("a/b?c#d é", b""), "a%2Fb%3Fc%23d%20%C3%A9");
        assert_eq!(encode("conf/icml", b"/"), "conf/icml");
        assert_eq!(encode("1703.06870-x_y~", b""), "1703.06870-x_y~");
    }
}
