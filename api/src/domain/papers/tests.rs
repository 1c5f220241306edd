use super::*;

#[test]
fn every_form_of_one_arxiv_id_means_its_arxiv_key() {
    for form in [
        "1703.06870",
        "1703.06870v3",
        "arXiv:1703.06870",
        "https://arxiv.org/abs/1703.06870v2",
        "https://arxiv.org/pdf/1703.06870.pdf",
        "arxiv:1703.06870",
        "dblp:journals/corr/abs-1703-06870",
        "journals/corr/abs-1703-06870",
    ] {
        assert!(
            candidate_keys(form).contains(&"arxiv:1703.06870".to_owned()),
            "{form}: {:?}",
            candidate_keys(form)
        );
    }
}

#[test]
fn dois_dblp_and_legacy_keys_mean_their_own_keys() {
    assert!(
        candidate_keys("https://doi.org/10.1109/ICCV.2017.322")
            .contains(&"doi:10.1109/iccv.2017.322".to_owned())
    );
    assert!(candidate_keys("conf/icml/FinnAL17").contains(&"dblp:conf/icml/FinnAL17".to_owned()));
    // A legacy bibtexKey that looks like a DBLP key is looked up both ways.
    let legacy = candidate_keys("journals/corr/LinDGHHB16");
    assert!(
        legacy.contains(&"journals/corr/LinDGHHB16".to_owned()),
        "{legacy:?}"
    );
    assert!(
        legacy.contains(&"dblp:journals/corr/LinDGHHB16".to_owned()),
        "{legacy:?}"
    );
    assert!(candidate_keys("He_2016").contains(&"He_2016".to_owned()));
    assert!(candidate_keys("   ").is_empty());
}

fn paper(title: &str, venue: &str) -> Paper {
    Paper {
        id: "1".to_owned(),
        key: "doi:10.1/x y".to_owned(),
        title: title.to_owned(),
        authors: vec!["Ada Lovelace".to_owned(), "Marks and Spencer Group".to_owned()],
        abstract_text: None,
        venue: Some(venue.to_owned()),
        venue_key: None,
        year: Some(1843),
        published_at: None,
        category: shared::api::Category::Math,
        arxiv_id: None,
        arxiv_version: None,
        arxiv_primary_category: None,
        doi: Some("10.1/x".to_owned()),
        dblp_key: None,
        keys: Vec::new(),
        urls: Vec::new(),
        pdf_url: None,
        summary_count: 0,
        created_at: chrono::Utc::now(),
    }
}

/// BibTeX counts every brace, escaped or not.
fn balanced(entry: &str) -> bool {
    let mut depth = 0i32;
    for c in entry.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

#[test]
fn bibtex_values_keep_their_braces_balanced_and_their_math() {
    let entry = to_bibtex(&paper(
        r"Sets {A} & $\{x\} \in \mathcal{O}(n$ at 100%",
        "Journal of }Unbalanced",
    ));
    assert!(entry.starts_with("@article{doi:10.1/x_y,\n"), "{entry}");
    assert!(balanced(&entry), "{entry}");
    assert!(
        entry.contains("\\textbraceleft{}A\\textbraceright{} \\& $\\{x\\} \\in \\mathcal{O}(n$ at 100\\%"),
        "{entry}"
    );
    assert!(
        entry.contains("journal = {Journal of \\textbraceright{}Unbalanced}"),
        "{entry}"
    );
    assert!(
        entry.contains("author = {Ada Lovelace and {Marks and Spencer Group}}"),
        "{entry}"
    );
}

#[test]
fn bibtex_never_carries_commands_that_touch_files() {
    for title in [
        "\\input{/etc/passwd}",
        "$\\input{/etc/passwd}$",
        "}\\immediate\\write18{rm -rf ~}{",
    ] {
        let entry = to_bibtex(&paper(title, "V"));
        assert!(balanced(&entry), "{entry}");
        for command in ["\\input", "\\immediate", "\\write"] {
            assert!(!entry.contains(command), "{title}: {entry}");
        }
    }
}
