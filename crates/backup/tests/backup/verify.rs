//! A verification passes only when everything the manifest recorded was read back equal:
//! large objects that cannot be read back after the restore fail it.

use ripcord_backup::{Observer, Phase, Progress, VerifyRequest};
use ripcord_testkit::Postgres;
use ripcord_testkit::postgres::psql;

use crate::helpers::Case;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_objects_that_cannot_be_read_back_fail_the_verification() {
    let case = Case::new();
    // SQL sums: the read-back of large objects is a query that a role may be refused.
    assert_eq!(case.backup(&case.src.url, &["--checksums", "sql"]).await, 0);
    let manifest = case.catalog().await[0].manifest.clone().expect("manifest");
    assert_eq!(
        manifest.contents.large_objects.as_ref().map(|l| l.count),
        Some(5)
    );

    // Verify on another server as a role that may create databases but is no superuser…
    let server = Postgres::start().expect("a server to verify on");
    server
        .psql("postgres", "CREATE ROLE verifier LOGIN CREATEDB")
        .expect("create the role");
    let into = server.url("postgres").replace("postgres@", "verifier@");
    // …and, once the backup is restored, give its large objects to another owner, so that
    // reading them back is refused.
    let scratch = server.url(&format!(
        "ripcord_verify_{}",
        manifest.id.to_ascii_lowercase()
    ));
    let observer = Observer::new(move |progress| {
        if let Progress::Finished {
            phase: Phase::Restore,
        } = progress
        {
            psql(
                &scratch,
                "DO $$ DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_largeobject_metadata LOOP \
                   EXECUTE format('ALTER LARGE OBJECT %s OWNER TO postgres', o); END LOOP; END $$;",
            )
            .expect("hand the large objects to postgres");
        }
    });
    let mut config = case.config.clone();
    config.to = Some(case.dest.clone());
    let request = VerifyRequest {
        into: Some(into.into()),
        ..VerifyRequest::new("latest", true)
    };
    let record = ripcord_backup::verify(
        &config,
        &case.notify,
        &request,
        &observer,
        std::future::pending(),
    )
    .await
    .expect("the verification ran");
    assert!(!record.ok, "unread large objects passed: {record:?}");
    assert!(
        record
            .problems
            .iter()
            .any(|p| p.contains("read large objects") && p.contains("permission denied")),
        "{:?}",
        record.problems
    );
    assert_eq!(record.problems.len(), 1, "{:?}", record.problems);
    let status = ripcord_backup::status(&case.config).await.expect("status");
    assert!(status.failing(), "{status}");
}
