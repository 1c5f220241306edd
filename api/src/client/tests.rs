use actix_web::test::TestRequest;

use super::*;

fn request(peer: &str, forwarded: Option<&str>) -> HttpRequest {
    let mut req = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
    if let Some(value) = forwarded {
        req = req.insert_header(("X-Forwarded-For", value));
    }
    req.to_http_request()
}

#[test]
fn without_trusted_proxies_the_peer_is_the_client() {
    let none = TrustedProxies::default();
    let req = request("203.0.113.7", Some("198.51.100.1"));
    assert_eq!(none.client_address(&req), Some("203.0.113.7".parse().unwrap()));
}

#[test]
fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
    let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
    // The client claims to be 1.1.1.1; the edge proxy (10.0.0.2) saw 198.51.100.9.
    let req = request("127.0.0.1", Some("1.1.1.1, 198.51.100.9, 10.0.0.2"));
    assert_eq!(
        proxies.client_address(&req),
        Some("198.51.100.9".parse().unwrap())
    );
    let direct = request("127.0.0.1", None);
    assert_eq!(
        proxies.client_address(&direct),
        Some("127.0.0.1".parse().unwrap())
    );
}

#[test]
fn bad_entries_are_reported() {
    assert!(TrustedProxies::parse("10.0.0.0/8, proxy.local").is_err());
    assert_eq!(TrustedProxies::parse(" ").unwrap(), TrustedProxies::default());
}

#[test]
fn an_unparseable_hop_ends_the_walk_without_discarding_the_hops_after_it() {
    let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
    // Garbage the client wrote on the left must not hide the address the proxy saw.
    let req = request("127.0.0.1", Some("not-an-ip, 198.51.100.9, 10.0.0.2"));
    assert_eq!(
        proxies.client_address(&req),
        Some("198.51.100.9".parse().unwrap())
    );
    // Garbage right of a trusted hop ends the walk there: that hop is the best we know.
    let req = request("127.0.0.1", Some("198.51.100.9, junk, 10.0.0.2"));
    assert_eq!(proxies.client_address(&req), Some("10.0.0.2".parse().unwrap()));
}
