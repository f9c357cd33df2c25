//! `prune` at a real destination: keeps what the policy says, dry runs delete nothing, and on
//! GCS the deleted bytes are remembered as soft-deleted and count against the size cap.

use ripcord_backup::manifest::catalog;
use ripcord_backup::store::Store;
use ripcord_notifier::NotifyConfig;
use ripcord_testkit::FakeGcs;

use crate::helpers::{config, ripcord, source};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_keeps_the_newest_and_remembers_soft_deleted_bytes_on_gcs() {
    let gcs = FakeGcs::start().expect("fake-gcs-server");
    gcs.create_bucket("pruned").expect("bucket");
    let src = source();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path());
    config.gcs.endpoint = Some(gcs.endpoint());
    let dest = "gs://pruned/app";
    let notify = NotifyConfig::default();
    let run = [
        "run",
        "--database-url",
        &src.url,
        "--to",
        dest,
        "--progress",
        "none",
    ];
    for _ in 0..3 {
        assert_eq!(ripcord(&config, &notify, &run).await, 0);
    }
    let store = Store::open(dest, &config.s3, &config.gcs)
        .await
        .expect("store");
    let (before, _) = catalog(&store).await.expect("catalog");
    assert_eq!(before.len(), 3);
    // Verify the oldest: it must survive as the newest verified backup.
    assert_eq!(
        ripcord(&config, &notify, &["verify", "--to", dest, &before[2].id]).await,
        0
    );

    let prune = ["prune", "--to", dest, "--keep-last", "1"];
    let dry: Vec<&str> = prune.iter().copied().chain(["--dry-run"]).collect();
    assert_eq!(ripcord(&config, &notify, &dry).await, 0);
    assert_eq!(
        catalog(&store).await.expect("catalog").0.len(),
        3,
        "a dry run deletes nothing"
    );

    assert_eq!(ripcord(&config, &notify, &prune).await, 0);
    let (after, tombstones) = catalog(&store).await.expect("catalog");
    let ids: Vec<&str> = after.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [before[0].id.as_str(), before[2].id.as_str()],
        "newest and newest verified"
    );
    assert_eq!(tombstones.len(), 1);
    assert_eq!(tombstones[0].bytes, before[1].stored_bytes);
    assert_eq!(tombstones[0].backup_ids, [before[1].id.clone()]);

    // A cap below the kept bytes plus the soft-deleted bytes: protected backups stay.
    let kept: u64 = after.iter().map(|b| b.stored_bytes).sum();
    let cap = format!("{}", kept + tombstones[0].bytes - 1);
    let plan = ripcord_backup::prune::apply(
        &store,
        &ripcord_backup::Retention {
            max_total_size: Some(cap),
            ..Default::default()
        },
        true,
    )
    .await
    .expect("plan");
    assert_eq!(plan.soft_deleted_bytes, before[1].stored_bytes);
    assert_eq!(plan.keep.len(), 2);
    assert_eq!(plan.over_cap_bytes, Some(1));
}
