//! The parsers against the recorded formats in `tests/fixtures/upstream/`.

use reqwest::StatusCode;
use shared::api::Category;

use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/../tests/fixtures/upstream/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn an_arxiv_entry_maps_every_field() {
    let paper = arxiv::parse(
        StatusCode::OK,
        &fixture("arxiv-query-id_list-1703.06870.atom.xml"),
    )
    .unwrap();
    assert_eq!(paper.title, "Mask R-CNN");
    assert_eq!(
        paper.authors,
        ["Kaiming He", "Georgia Gkioxari", "Piotr Dollár", "Ross Girshick"]
    );
    let abstract_text = paper.abstract_text.unwrap();
    assert!(
        abstract_text.starts_with("(Test fixture, not the real abstract.) A framework"),
        "{abstract_text}"
    );
    assert!(
        abstract_text.contains("$L = L_{cls} + L_{box} + L_{mask}$"),
        "verbatim, math included"
    );
    assert!(
        !abstract_text.contains('\n') && !abstract_text.contains("  "),
        "whitespace normalised"
    );
    assert_eq!(paper.arxiv_id.as_deref(), Some("1703.06870"));
    assert_eq!(paper.arxiv_version, Some(3));
    assert_eq!(paper.arxiv_primary_category.as_deref(), Some("cs.CV"));
    assert_eq!(paper.category, Category::Cs);
    assert_eq!(paper.year, Some(2017));
    assert_eq!(
        paper.published_at.unwrap().to_rfc3339(),
        "2017-03-20T17:53:38+00:00"
    );
    assert_eq!(paper.pdf_url.as_deref(), Some("https://arxiv.org/pdf/1703.06870"));
    assert_eq!(paper.urls, ["https://arxiv.org/abs/1703.06870"]);
}

#[test]
fn arxiv_unknown_and_malformed_ids_are_not_found_and_garbage_fails() {
    let empty = arxiv::parse(
        StatusCode::OK,
        &fixture("arxiv-query-id_list-0000.00000.atom.xml"),
    );
    assert!(
        matches!(empty, Err(UpstreamError::NotFound(Service::Arxiv))),
        "{empty:?}"
    );
    let bad = arxiv::parse(
        StatusCode::BAD_REQUEST,
        &fixture("arxiv-query-error-bad-id.atom.xml"),
    );
    assert!(
        matches!(bad, Err(UpstreamError::NotFound(Service::Arxiv))),
        "{bad:?}"
    );
    let garbage = arxiv::parse(StatusCode::OK, "<html>rate limited");
    assert!(
        matches!(
            garbage,
            Err(UpstreamError::Failed {
                service: Service::Arxiv,
                ..
            })
        ),
        "{garbage:?}"
    );
}

#[test]
fn a_crossref_work_maps_every_field() {
    let paper = crossref::parse(
        StatusCode::OK,
        &fixture("crossref-works-10.1109_iccv.2017.322.json"),
    )
    .unwrap();
    assert_eq!(paper.title, "Mask R-CNN");
    assert_eq!(
        paper.authors,
        ["Kaiming He", "Georgia Gkioxari", "Piotr Dollar", "Ross Girshick"]
    );
    assert_eq!(
        paper.venue.as_deref(),
        Some("2017 IEEE International Conference on Computer Vision (ICCV)")
    );
    assert_eq!(paper.year, Some(2017));
    assert_eq!(
        paper.published_at.unwrap().to_rfc3339(),
        "2017-10-01T00:00:00+00:00"
    );
    assert_eq!(paper.doi.as_deref(), Some("10.1109/iccv.2017.322"));
    assert_eq!(paper.urls, ["https://doi.org/10.1109/iccv.2017.322"]);
    assert!(matches!(
        crossref::parse(StatusCode::NOT_FOUND, "Resource not found."),
        Err(UpstreamError::NotFound(_))
    ));
    assert!(matches!(
        crossref::parse(StatusCode::OK, "{\"status\""),
        Err(UpstreamError::Failed { .. })
    ));
}

#[test]
fn a_dblp_record_maps_every_field() {
    let paper = dblp::parse(StatusCode::OK, &fixture("dblp-rec-conf_icml_FinnAL17.xml")).unwrap();
    assert_eq!(
        paper.title,
        "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks"
    );
    assert_eq!(paper.authors, ["Chelsea Finn", "Pieter Abbeel", "Sergey Levine"]);
    assert_eq!(paper.venue.as_deref(), Some("ICML"));
    assert_eq!(paper.year, Some(2017));
    assert_eq!(paper.dblp_key.as_deref(), Some("conf/icml/FinnAL17"));
    assert_eq!(paper.urls, ["http://proceedings.mlr.press/v70/finn17a.html"]);
    assert_eq!(paper.category, Category::Cs);
    assert!(matches!(
        dblp::parse(StatusCode::NOT_FOUND, "<html>"),
        Err(UpstreamError::NotFound(_))
    ));
    assert!(matches!(
        dblp::parse(StatusCode::OK, "<dblp><inproceedings"),
        Err(UpstreamError::Failed { .. })
    ));
}

#[test]
fn arxiv_categories_map_to_the_coarse_ones() {
    for (term, category) in [
        ("cs.LG", Category::Cs),
        ("stat.ML", Category::Stat),
        ("math.OC", Category::Math),
        ("q-bio.NC", Category::Bio),
        ("hep-th", Category::Physics),
        ("quant-ph", Category::Physics),
        ("econ.EM", Category::Other),
    ] {
        assert_eq!(category_of_arxiv(term), category, "{term}");
    }
}
