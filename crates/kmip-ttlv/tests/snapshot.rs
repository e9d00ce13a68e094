//! Snapshots of the canonical renderings of one representative message: the
//! runner diffs `to_xml` output line by line, so any change to it must be
//! deliberate (review with `cargo insta review`).

use kmip_ttlv::{json, xml};

/// A Get response for a symmetric key with a KMIP 1.x attribute list, written
/// the loose way test cases do (spaced names, flag runs, non-UTC time,
/// uppercase hex).
const GET_RESPONSE: &str = r#"<ResponseMessage>
  <ResponseHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="1"/>
      <ProtocolVersionMinor type="Integer" value="4"/>
    </ProtocolVersion>
    <TimeStamp type="DateTime" value="2024-03-01T12:00:00+02:00"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Get"/>
    <ResultStatus type="Enumeration" value="Success"/>
    <ResponsePayload>
      <ObjectType type="Enumeration" value="SymmetricKey"/>
      <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>
      <SymmetricKey>
        <KeyBlock>
          <KeyFormatType type="Enumeration" value="Raw"/>
          <KeyValue>
            <KeyMaterial type="ByteString" value="00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"/>
            <Attribute>
              <AttributeName type="TextString" value="Cryptographic  Usage Mask"/>
              <AttributeValue type="Integer" value="Decrypt   Encrypt"/>
            </Attribute>
          </KeyValue>
          <CryptographicAlgorithm type="Enumeration" value="AES"/>
          <CryptographicLength type="Integer" value="256"/>
        </KeyBlock>
      </SymmetricKey>
    </ResponsePayload>
  </BatchItem>
</ResponseMessage>"#;

#[test]
fn canonical_xml_of_a_get_response() {
    let item = xml::parse_item(GET_RESPONSE).expect("parse");
    insta::assert_snapshot!("get_response_xml", xml::to_xml(&item));
}

#[test]
fn json_of_a_get_response() {
    let item = xml::parse_item(GET_RESPONSE).expect("parse");
    insta::assert_snapshot!("get_response_json", json::to_json_string_pretty(&item));
}
