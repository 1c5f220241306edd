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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_hashes_run_at_once_than_there_are_cores() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let slots = std::thread::available_parallelism().map_or(2, usize::from);
    let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let works = (0..slots * 4).map(|_| {
        let (running, most) = (running.clone(), most.clone());
        tokio::spawn(hashing(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(20));
            running.fetch_sub(1, Ordering::SeqCst);
        }))
    });
    for work in futures_util::future::join_all(works).await {
        work.unwrap().unwrap();
    }
    // Other tests of this process may hold slots meanwhile, so fewer may run, never more.
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=slots).contains(&most),
        "{most} hashes at once on {slots} cores"
    );
}
