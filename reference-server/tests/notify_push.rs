//! The reference server's opt-in Notify / Put push: a fake client service
//! endpoint (TLS, acknowledges every message) receives a Put when an object
//! is created and a Notify carrying only the changed attributes when it is
//! activated.

use kmip_reference_server::notify::{Endpoint, Notifier};
use kmip_reference_server::server::Server;
use kmip_ttlv::{Item, Tag, Value};
use kmip_wire::testing::{client_config, serve_tls, TestPki};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

fn tag(name: &str) -> Tag {
    Tag(kmip_ttlv::dict::tag_by_name(name).expect("known tag"))
}

fn ack() -> Item {
    kmip_ttlv::xml::parse_item(
        r#"<ResponseMessage><ResponseHeader><ProtocolVersion>
<ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/>
</ProtocolVersion><TimeStamp type="DateTime" value="2026-01-01T00:00:00+00:00"/>
<BatchCount type="Integer" value="1"/></ResponseHeader>
<BatchItem><ResultStatus type="Enumeration" value="Success"/></BatchItem></ResponseMessage>"#,
    )
    .expect("ack parses")
}

/// A TLS client-service endpoint that forwards every received message.
async fn fake_client_service() -> (std::net::SocketAddr, String, mpsc::UnboundedReceiver<Item>) {
    let pki = TestPki::generate();
    let (tx, rx) = mpsc::unbounded_channel();
    let addr = serve_tls(pki.server_config(false), move |mut tls| {
        let tx = tx.clone();
        async move {
            let limits = kmip_ttlv::ttlv::Limits::default();
            let mut head = [0u8; 8];
            if tls.read_exact(&mut head).await.is_err() {
                return;
            }
            let Ok(total) = kmip_ttlv::ttlv::frame_length(&head, &limits) else {
                return;
            };
            let mut buf = vec![0u8; total];
            buf[..8].copy_from_slice(&head);
            if tls.read_exact(&mut buf[8..]).await.is_err() {
                return;
            }
            let Ok(msg) = kmip_ttlv::ttlv::decode(&buf, &limits) else {
                return;
            };
            let _ = tx.send(msg);
            let bytes = kmip_ttlv::ttlv::encode(&ack()).expect("ack encodes");
            let _ = tls.write_all(&bytes).await;
            let _ = tls.shutdown().await;
        }
    })
    .await;
    (addr, pki.ca_pem().to_string(), rx)
}

fn endpoint(addr: std::net::SocketAddr, ca_pem: &str) -> Endpoint {
    Endpoint {
        addr,
        server_name: rustls::pki_types::ServerName::IpAddress(addr.ip().into()),
        tls: client_config(ca_pem),
    }
}

fn request(op: &str, payload: &str) -> Item {
    kmip_ttlv::xml::parse_item(&format!(
        r#"<RequestMessage><RequestHeader><ProtocolVersion>
<ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/>
</ProtocolVersion><BatchCount type="Integer" value="1"/></RequestHeader>
<BatchItem><Operation type="Enumeration" value="{op}"/><RequestPayload>{payload}</RequestPayload></BatchItem>
</RequestMessage>"#
    ))
    .expect("request parses")
}

fn operation(msg: &Item) -> String {
    let op = msg
        .child(tag("BatchItem"))
        .and_then(|b| b.child(tag("Operation")))
        .expect("operation");
    match op.value {
        Value::Enumeration(v) => kmip_ttlv::dict::enum_def("Operation")
            .and_then(|e| e.name_of(v))
            .unwrap_or("unknown")
            .to_string(),
        ref v => format!("{v:?}"),
    }
}

fn attribute_names(msg: &Item) -> Vec<String> {
    let payload = msg
        .child(tag("BatchItem"))
        .and_then(|b| b.child(tag("RequestPayload")))
        .expect("payload");
    payload
        .children()
        .iter()
        .filter(|c| c.tag == tag("Attribute"))
        .filter_map(|a| match &a.child(tag("AttributeName"))?.value {
            Value::TextString(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn create_pushes_put_and_activate_pushes_notify_of_changed_attributes() {
    let (addr, ca, mut rx) = fake_client_service().await;
    let notifier = Notifier::spawn(vec![endpoint(addr, &ca)], (1, 4), Duration::from_secs(5))
        .expect("an endpoint turns push on");
    let server = Server::in_memory().with_notifier(notifier.clone());

    let created = server.handle_message(&request(
        "Create",
        r#"<ObjectType type="Enumeration" value="SymmetricKey"/><TemplateAttribute>
<Attribute><AttributeName type="TextString" value="Cryptographic Algorithm"/><AttributeValue type="Enumeration" value="AES"/></Attribute>
<Attribute><AttributeName type="TextString" value="Cryptographic Length"/><AttributeValue type="Integer" value="128"/></Attribute>
<Attribute><AttributeName type="TextString" value="Cryptographic Usage Mask"/><AttributeValue type="Integer" value="Encrypt Decrypt"/></Attribute>
</TemplateAttribute>"#,
    ));
    let uid = match &created
        .child(tag("BatchItem"))
        .and_then(|b| b.child(tag("ResponsePayload")))
        .and_then(|p| p.child(tag("UniqueIdentifier")))
        .expect("created uid")
        .value
    {
        Value::TextString(s) => s.clone(),
        v => panic!("uid {v:?}"),
    };
    let put = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("Put within 10 s")
        .expect("a message");
    assert_eq!(operation(&put), "Put");
    let put_payload = put
        .child(tag("BatchItem"))
        .and_then(|b| b.child(tag("RequestPayload")))
        .expect("payload");
    assert!(
        put_payload.child(tag("SymmetricKey")).is_some(),
        "Put carries the object"
    );
    assert!(attribute_names(&put).contains(&"State".to_string()));

    server.handle_message(&request(
        "Activate",
        &format!(r#"<UniqueIdentifier type="TextString" value="{uid}"/>"#),
    ));
    let notify = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("Notify within 10 s")
        .expect("a message");
    assert_eq!(operation(&notify), "Notify");
    let names = attribute_names(&notify);
    assert!(names.contains(&"State".to_string()), "{names:?}");
    assert!(
        !names.contains(&"Cryptographic Algorithm".to_string()),
        "only changed attributes are notified: {names:?}"
    );
    // Both deliveries were acknowledged.
    for _ in 0..50 {
        if notifier.delivered() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(notifier.delivered(), 2);
    assert_eq!(notifier.failures(), 0);
}
