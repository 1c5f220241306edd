use super::*;

#[tokio::test]
async fn hashes_are_argon2id_and_verify_only_the_right_password() {
    let hash = hash("correct horse battery".to_owned()).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let decoy = decoy().await.unwrap();
    assert!(verify("correct horse battery".to_owned(), Some(hash.clone()), &decoy).await);
    assert!(!verify("correct horse battery!".to_owned(), Some(hash), &decoy).await);
}

#[tokio::test]
async fn accounts_without_a_password_never_verify() {
    let decoy = decoy().await.unwrap();
    assert!(!verify(String::new(), None, &decoy).await);
    assert!(!verify("anything at all".to_owned(), None, &decoy).await);
}
