#!/usr/bin/env python3
"""Write testcases/server/access/KH-ACCESS-<n>-<vv>.xml (authentication,
ownership, Login / Logout tickets, owned asynchronous requests).

Every expected response is written from the spec text cited in each file's
comment, not from a server's answers. Run from anywhere:
python3 testcases/tools/gen-access-cases.py, then
python3 profiles/tools/gen-project-profiles.py.
"""
import pathlib
OUT = pathlib.Path(__file__).resolve().parents[1] / 'server' / 'access'
OUT.mkdir(exist_ok=True)
VER = {'14': (1, 4), '20': (2, 0), '21': (2, 1)}
SPEC = {'14': 'kmip-spec-v1.4-os', '20': 'kmip-spec-v2.0-os', '21': 'kmip-spec-v2.1-os'}
ALICE = ('KH-alice', 'KH-alice-password')
BOB = ('KH-bob', 'KH-bob-password')

def ind(s, n):
    return '\n'.join(('  ' * n + l) if l else l for l in s.split('\n'))

def cred_pw(user, pw):
    return f'''<Authentication>
  <Credential>
    <CredentialType type="Enumeration" value="UsernameAndPassword"/>
    <CredentialValue>
      <Username type="TextString" value="{user}"/>
      <Password type="TextString" value="{pw}"/>
    </CredentialValue>
  </Credential>
</Authentication>'''

def cred_ticket(tv):
    return f'''<Authentication>
  <Credential>
    <CredentialType type="Enumeration" value="Ticket"/>
    <CredentialValue>
      <Ticket>
        <TicketType type="Enumeration" value="Login"/>
        <TicketValue type="ByteString" value="{tv}"/>
      </Ticket>
    </CredentialValue>
  </Credential>
</Authentication>'''

class Case:
    def __init__(self, cid, vv, comment):
        self.cid, self.vv, self.comment = cid, vv, comment
        self.major, self.minor = VER[vv]
        self.msgs = []
        self.step = 0

    def pv(self):
        return f'''<ProtocolVersion>
  <ProtocolVersionMajor type="Integer" value="{self.major}"/>
  <ProtocolVersionMinor type="Integer" value="{self.minor}"/>
</ProtocolVersion>'''

    def req(self, op, payload, auth=None, asyn=False):
        h = [self.pv()]
        if self.major >= 2:
            h.append(f'<ClientCorrelationValue type="TextString" value="{self.cid} step={self.step}"/>')
        if asyn:
            h.append('<AsynchronousIndicator type="Boolean" value="true"/>' if self.major == 1
                     else '<AsynchronousIndicator type="Enumeration" value="Optional"/>')
        if auth:
            h.append(auth)
        h.append('<BatchCount type="Integer" value="1"/>')
        body = f'<RequestPayload>\n{ind(payload, 1)}\n</RequestPayload>' if payload else '<RequestPayload/>'
        self.msgs.append(f'''<RequestMessage>
  <RequestHeader>
{ind(chr(10).join(h), 2)}
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="{op}"/>
{ind(body, 2)}
  </BatchItem>
</RequestMessage>''')
        self.step += 1

    def resp(self, op, status='Success', payload=None, reason=None, corr=None):
        items = []
        if op:
            items.append(f'<Operation type="Enumeration" value="{op}"/>')
        items.append(f'<ResultStatus type="Enumeration" value="{status}"/>')
        if reason:
            items.append(f'<ResultReason type="Enumeration" value="{reason}"/>')
        if corr:
            items.append(f'<AsynchronousCorrelationValue type="ByteString" value="{corr}"/>')
        if status == 'Success':
            items.append(f'<ResponsePayload>\n{ind(payload, 1)}\n</ResponsePayload>' if payload else '<ResponsePayload/>')
        self.msgs.append(f'''<ResponseMessage>
  <ResponseHeader>
{ind(self.pv(), 2)}
    <TimeStamp type="DateTime" value="$NOW"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
{ind(chr(10).join(items), 2)}
  </BatchItem>
</ResponseMessage>''')

    def write(self):
        text = f'''<!--
     kmip-harness project test case {self.cid}
     Protocol: KMIP {self.major}.{self.minor}
     Profile: none (project case)

{self.comment.strip(chr(10))}

     Spec text: {SPEC[self.vv]}. Server set-up: the users KH-alice / KH-bob
     (password "<name>-password") and access control, as `--target
     reference` runs the reference server (AccessPolicy::reference_default;
     another server: `serve --access-control --users` with those lines).
-->
<KMIP>

''' + '\n\n'.join(self.msgs) + '\n\n</KMIP>\n'
        (OUT / f'{self.cid}.xml').write_text(text)

def uid_item(n):
    return f'<UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_{n}"/>'

def create_payload(c, name=None):
    if c.major == 1:
        attrs = '''<Attribute>
  <AttributeName type="TextString" value="Cryptographic Algorithm"/>
  <AttributeValue type="Enumeration" value="AES"/>
</Attribute>
<Attribute>
  <AttributeName type="TextString" value="Cryptographic Length"/>
  <AttributeValue type="Integer" value="256"/>
</Attribute>
<Attribute>
  <AttributeName type="TextString" value="Cryptographic Usage Mask"/>
  <AttributeValue type="Integer" value="Encrypt Decrypt"/>
</Attribute>'''
        if name:
            attrs += f'''
<Attribute>
  <AttributeName type="TextString" value="Name"/>
  <AttributeValue>
    <NameValue type="TextString" value="{name}"/>
    <NameType type="Enumeration" value="UninterpretedTextString"/>
  </AttributeValue>
</Attribute>'''
        return f'<ObjectType type="Enumeration" value="SymmetricKey"/>\n<TemplateAttribute>\n{ind(attrs, 1)}\n</TemplateAttribute>'
    attrs = '''<CryptographicAlgorithm type="Enumeration" value="AES"/>
<CryptographicLength type="Integer" value="256"/>
<CryptographicUsageMask type="Integer" value="Encrypt Decrypt"/>'''
    if name:
        attrs += f'''
<Name>
  <NameValue type="TextString" value="{name}"/>
  <NameType type="Enumeration" value="UninterpretedTextString"/>
</Name>'''
    return f'<ObjectType type="Enumeration" value="SymmetricKey"/>\n<Attributes>\n{ind(attrs, 1)}\n</Attributes>'

def created(n):
    return f'<ObjectType type="Enumeration" value="SymmetricKey"/>\n{uid_item(n)}'

def locate_payload(c, name):
    if c.major == 1:
        return f'''<Attribute>
  <AttributeName type="TextString" value="Name"/>
  <AttributeValue>
    <NameValue type="TextString" value="{name}"/>
    <NameType type="Enumeration" value="UninterpretedTextString"/>
  </AttributeValue>
</Attribute>'''
    return f'''<Attributes>
  <Name>
    <NameValue type="TextString" value="{name}"/>
    <NameType type="Enumeration" value="UninterpretedTextString"/>
  </Name>
</Attributes>'''

def not_found(c):
    return 'ItemNotFound' if c.major == 1 else 'ObjectNotFound'

def sec(c, v14, v2x):
    return v14 if c.major == 1 else v2x

# ---------------------------------------------------------------- case 1
for vv in ['14', '20', '21']:
    cid = f'KH-ACCESS-1-{vv}'
    c = Case(cid, vv, '')
    c.comment = f'''     What it tests:
     A Username and Password credential the server cannot validate: a wrong
     password for a known user, then an unknown user, each fail the whole
     request with Result Reason Authentication Not Successful; the same
     request with the right password succeeds (Create), and the key is
     destroyed.

     Expected responses per KMIP {c.major}.{c.minor}:
     {sec(c, '§6.6 Authentication, §2.1.2 Credential (Table 4 Username and Password)', '§9.4 Authentication, §9.11 Credential (Username and Password)')}:
     the credential authenticates the client.
     {sec(c, '§6.10 Result Reason, §9.1.3.2.29', {'20': '§11.45 Result Reason Enumeration (Table 440)', '21': '§11.46 Result Reason Enumeration (Table 478)'}.get(vv, ''))}: Authentication Not Successful
     ({sec(c, '§6.10', 'KMIP 1.4 §6.10; the 2.x table lists the value only')}: "The authentication information in the request could
     not be validated, or was not found").
     Reading (the spec has no error table row for it): the credential belongs
     to the message header, so the failure is a message-level one, answered
     like the other message-level failures of the General errors table
     (KMIP 1.4 §11.1 General errors{sec(c, '', '; 2.x has no such table and keeps the convention')}: "Response message containing a header and a Batch
     Item without Operation, but with the Result Status field set to
     Operation Failed"): one Batch Item without Operation. A server that
     answers per batch item with the Operation echoed fails these steps.

     Masked per the Profiles' Permitted Test Case Variations: Unique
     Identifiers ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message
     (optional free text, never written here). Everything else is exact.'''
    c.req('Create', create_payload(c), auth=cred_pw('KH-alice', 'not-the-password'))
    c.resp(None, 'OperationFailed', reason='AuthenticationNotSuccessful')
    c.req('Create', create_payload(c), auth=cred_pw('KH-mallory', 'KH-alice-password'))
    c.resp(None, 'OperationFailed', reason='AuthenticationNotSuccessful')
    c.req('Create', create_payload(c), auth=cred_pw(*ALICE))
    c.resp('Create', payload=created(0))
    c.req('Destroy', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(0))
    c.write()

# ---------------------------------------------------------------- case 2
for vv in ['14', '20', '21']:
    cid = f'KH-ACCESS-2-{vv}'
    c = Case(cid, vv, '')
    c.comment = f'''     What it tests:
     Another identity's object: KH-alice (Username and Password credential)
     creates a key; KH-bob's Get and Destroy of it, and a Get without a
     credential (the client certificate's identity), fail with Permission
     Denied; KH-alice then destroys it.

     Expected responses per KMIP {c.major}.{c.minor}:
     {sec(c, '§11.1 General errors', {'20': '§11.45 Result Reason Enumeration (Table 440)', '21': '§11.46 Result Reason Enumeration (Table 478)'}.get(vv, ''))}: Permission Denied, "Client is not allowed to
     perform the specified operation"; Result Status Operation Failed.
     Reading: the spec leaves access policy to the server; this case expects
     a server that gives each object to the identity that created it (the
     reference server's --access-control). Item Not Found / Object Not
     Found would hide the object's existence too; Permission Denied is the
     reason the General errors table gives for a client that "is not allowed
     to perform the specified operation", so that is expected here.

     Masked per the Profiles' Permitted Test Case Variations: Unique
     Identifiers ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message
     (optional free text, never written here). Everything else is exact.'''
    c.req('Create', create_payload(c), auth=cred_pw(*ALICE))
    c.resp('Create', payload=created(0))
    c.req('Get', uid_item(0), auth=cred_pw(*BOB))
    c.resp('Get', 'OperationFailed', reason='PermissionDenied')
    c.req('Destroy', uid_item(0), auth=cred_pw(*BOB))
    c.resp('Destroy', 'OperationFailed', reason='PermissionDenied')
    c.req('Get', uid_item(0))
    c.resp('Get', 'OperationFailed', reason='PermissionDenied')
    c.req('Destroy', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(0))
    c.write()

# ---------------------------------------------------------------- case 3
for vv in ['14', '20', '21']:
    cid = f'KH-ACCESS-3-{vv}'
    c = Case(cid, vv, '')
    c.comment = f'''     What it tests:
     Locate never returns an object the client may not use: KH-alice creates
     a key named "{cid}"; KH-bob's Locate by that Name finds nothing;
     KH-alice's finds the key; KH-alice destroys it.

     Expected responses per KMIP {c.major}.{c.minor}:
     {sec(c, '§4.9 Locate', {'20': '§6.1.27 Locate', '21': '§6.1.28 Locate'}.get(vv, ''))}: "The server returns a list of Unique Identifiers of
     the found objects, which then MAY be retrieved using the Get operation";
     "If no objects match, then an empty response payload is returned".
     Reading (the spec says nothing about access in Locate): with access
     control per identity (KH-ACCESS-2: KH-bob's Get of the key is Permission
     Denied) an object the client may not retrieve is not found for it, so
     KH-bob's Locate answers no Unique Identifier. A server that lists the
     key to KH-bob fails step 1.
     Located Items MAY be present (Profiles §4.1 response variations); it is
     left out here.

     Masked per the Profiles' Permitted Test Case Variations: Unique
     Identifiers ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message
     (optional free text, never written here). Everything else is exact.'''
    c.req('Create', create_payload(c, cid), auth=cred_pw(*ALICE))
    c.resp('Create', payload=created(0))
    c.req('Locate', locate_payload(c, cid), auth=cred_pw(*BOB))
    c.resp('Locate', payload=None)
    c.req('Locate', locate_payload(c, cid), auth=cred_pw(*ALICE))
    c.resp('Locate', payload=uid_item(0))
    c.req('Destroy', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(0))
    c.write()

# ---------------------------------------------------------------- case 4
for vv in ['20', '21']:
    cid = f'KH-ACCESS-4-{vv}'
    c = Case(cid, vv, '')
    login_s = '§6.1.29 Login, §6.1.30 Logout' if vv == '20' else '§6.1.30 Login, §6.1.31 Logout'
    c.comment = f'''     What it tests:
     The Login / Logout ticket flow: KH-alice logs in (Username and Password,
     Lease Time 600 s) and gets a Ticket; a request authenticated with the
     Ticket credential alone creates a key that is KH-alice's (KH-bob may not
     destroy it); Logout of the ticket succeeds; the ticket is then refused
     (Invalid Ticket) both as a credential and in a second Logout; KH-alice
     destroys the key with her password.

     Expected responses per KMIP {c.major}.{c.minor}:
     {login_s}: Login "requests the server to allow future requests to
     be authenticated using a ticket that is returned by this operation"
     (response: Ticket); Logout "requests the server to terminate the
     Login", response payload empty; Logout errors: Invalid Ticket.
     {'§7.39' if vv == '21' else '§7.33'} Ticket structure (Ticket Type Login, Ticket Value), Credential
     Type Ticket ({'§9.11 Table 416' if vv == '21' else 'Credential Value Structure for the Ticket'}: Credential Value holds the Ticket).
     Result Reason Invalid Ticket ({'§11.45 Table 440' if vv == '20' else '§11.46 Table 478'}): "The ticket was invalid".
     Reading: a logged-out ticket used as the request's credential fails the
     message like any credential that cannot be validated (see KH-ACCESS-1:
     one Batch Item without Operation), with the more specific reason
     Invalid Ticket. A server that answers Authentication Not Successful
     there fails step 4, visibly.

     Masked per the Profiles' Permitted Test Case Variations: the
     server-generated Ticket Value ($TICKET_VALUE_0, bound where the Login
     response returns it, then sent back unchanged), Unique Identifiers
     ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message (optional free
     text, never written here). Everything else is exact.'''
    ticket = '''<Ticket>
  <TicketType type="Enumeration" value="Login"/>
  <TicketValue type="ByteString" value="$TICKET_VALUE_0"/>
</Ticket>'''
    c.req('Login', '<LeaseTime type="Interval" value="600"/>', auth=cred_pw(*ALICE))
    c.resp('Login', payload=ticket)
    c.req('Create', create_payload(c), auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp('Create', payload=created(0))
    c.req('Destroy', uid_item(0), auth=cred_pw(*BOB))
    c.resp('Destroy', 'OperationFailed', reason='PermissionDenied')
    c.req('Logout', ticket, auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp('Logout', payload=None)
    c.req('Destroy', uid_item(0), auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp(None, 'OperationFailed', reason='InvalidTicket')
    c.req('Logout', ticket, auth=cred_pw(*ALICE))
    c.resp('Logout', 'OperationFailed', reason='InvalidTicket')
    c.req('Destroy', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(0))
    c.write()

# ---------------------------------------------------------------- case 5
for vv in ['14', '20', '21']:
    cid = f'KH-ACCESS-5-{vv}'
    c = Case(cid, vv, '')
    poll_s = {'14': '§4.28 Poll, §11.29 Poll errors ("No outstanding operation with the specified\n     Asynchronous Correlation Value exists": Item Not Found)',
              '20': '§6.1.36 Poll, §6.1.36.1 Poll errors (Invalid Asynchronous Correlation Value)',
              '21': '§6.1.38 Poll, §6.1.38.1 Poll errors (Table 277: Invalid Asynchronous\n     Correlation Value)'}[vv]
    unknown_reason = 'ItemNotFound' if vv == '14' else 'InvalidAsynchronousCorrelationValue'
    c.comment = f'''     What it tests:
     Poll of correlation values KH-bob may not poll: one the server never
     issued, and one issued to KH-alice. KH-alice submits a Create that
     allows an asynchronous response (the reference server defers Create:
     Operation Pending); KH-bob's Poll and Cancel of her correlation value
     fail with Permission Denied; KH-bob's Poll of a value never issued fails
     with {unknown_reason}; KH-alice cancels her request (Canceled).

     Expected responses per KMIP {c.major}.{c.minor}:
     {poll_s}.
     {sec(c, '§4.27 Cancel, §9.1.3.2.25 Cancellation Result', '§6.1.5 Cancel, §11.7 Cancellation Result')}: Canceled.
     Permission Denied, "Client is not allowed to perform the specified
     operation" ({sec(c, '§11.1 General errors', 'Result Reason Enumeration')}): the request belongs to another
     identity, as objects do in KH-ACCESS-2.
     A server that answers Create synchronously cannot run this case (the
     correlation value never comes); it fails step 0, visibly.

     Masked per the Profiles' Permitted Test Case Variations: the
     server-generated Asynchronous Correlation Value ($CORRELATION_VALUE_0,
     bound on first sight, then required unchanged), TimeStamp ($NOW),
     Result Message (optional free text, never written here). Everything
     else is exact.'''
    corr = '<AsynchronousCorrelationValue type="ByteString" value="$CORRELATION_VALUE_0"/>'
    c.req('Create', create_payload(c), auth=cred_pw(*ALICE), asyn=True)
    c.resp('Create', 'OperationPending', corr='$CORRELATION_VALUE_0')
    c.req('Poll', corr, auth=cred_pw(*BOB))
    c.resp('Poll', 'OperationFailed', reason='PermissionDenied')
    c.req('Cancel', corr, auth=cred_pw(*BOB))
    c.resp('Cancel', 'OperationFailed', reason='PermissionDenied')
    c.req('Poll', '<AsynchronousCorrelationValue type="ByteString" value="4B48204E4F2053554348205245515545"/>', auth=cred_pw(*BOB))
    c.resp('Poll', 'OperationFailed', reason=unknown_reason)
    c.req('Cancel', corr, auth=cred_pw(*ALICE))
    c.resp('Cancel', payload=corr + '\n<CancellationResult type="Enumeration" value="Canceled"/>')
    c.write()

# ---------------------------------------------------------------- case 6
for vv in ['14', '20', '21']:
    cid = f'KH-ACCESS-6-{vv}'
    c = Case(cid, vv, '')
    c.comment = f'''     What it tests:
     Cancel of a finished request: KH-alice's asynchronous Create (Operation
     Pending) completes at her Poll; KH-bob's Cancel of it fails with
     Permission Denied; her own Cancel answers Completed (nothing left to
     cancel); she destroys the key.

     Expected responses per KMIP {c.major}.{c.minor}:
     {sec(c, '§4.28 Poll', '§6.1.38 Poll' if vv == '21' else '§6.1.36 Poll')}: once completed, the response is the operation's.
     {sec(c, '§4.27 Cancel, §9.1.3.2.25 Cancellation Result', '§6.1.5 Cancel, §11.7 Cancellation Result')}: Completed, "the
     pending operation completed successfully before the cancellation
     operation was able to cancel it".
     Permission Denied ("Client is not allowed to perform the specified
     operation") for another identity's request, as in KH-ACCESS-5.

     Masked per the Profiles' Permitted Test Case Variations: the
     Asynchronous Correlation Value ($CORRELATION_VALUE_0), Unique
     Identifiers ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message
     (optional free text, never written here). Everything else is exact.'''
    corr = '<AsynchronousCorrelationValue type="ByteString" value="$CORRELATION_VALUE_0"/>'
    c.req('Create', create_payload(c), auth=cred_pw(*ALICE), asyn=True)
    c.resp('Create', 'OperationPending', corr='$CORRELATION_VALUE_0')
    c.req('Poll', corr, auth=cred_pw(*ALICE))
    c.resp('Poll', payload=created(0))
    c.req('Cancel', corr, auth=cred_pw(*BOB))
    c.resp('Cancel', 'OperationFailed', reason='PermissionDenied')
    c.req('Cancel', corr, auth=cred_pw(*ALICE))
    c.resp('Cancel', payload=corr + '\n<CancellationResult type="Enumeration" value="Completed"/>')
    c.req('Destroy', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(0))
    c.write()
# ---------------------------------------------------------------- case 7
def cred_device(serial, pw):
    return f'''<Authentication>
  <Credential>
    <CredentialType type="Enumeration" value="Device"/>
    <CredentialValue>
      <DeviceSerialNumber type="TextString" value="{serial}"/>
      <Password type="TextString" value="{pw}"/>
    </CredentialValue>
  </Credential>
</Authentication>'''

DEVICE = ('KH-SN-0001', 'KH-device-password')
for vv in ['14', '20', '21']:
    cid = f'KH-ACCESS-7-{vv}'
    c = Case(cid, vv, '')
    table = {'14': '§2.1.2 Credential, Table 5 (Credential Value Structure for the Device\n     Credential)', '20': '§9.11 Credential (Credential Value Structure for the Device\n     Credential)', '21': '§9.11 Credential, Table 412 (Credential Value Structure for the\n     Device Credential)'}[vv]
    c.comment = f'''     What it tests:
     Device credentials: a Device credential with the wrong password, then
     one with an unknown Device Serial Number, fail the request with
     Authentication Not Successful; the right one creates a key that belongs
     to the device, so KH-alice's Get of it is Permission Denied; the device
     destroys it.

     Expected responses per KMIP {c.major}.{c.minor}:
     {table}: "One or a combination of the Device
     Serial Number, Network Identifier, Machine Identifier, and Media
     Identifier SHALL be unique. ... A shared secret or password MAY also be
     used to authenticate the client."
     Authentication Not Successful and the message-level answer: as in
     KH-ACCESS-1. Permission Denied for another identity's object: as in
     KH-ACCESS-2.
     Server set-up: the device KH-device, serial KH-SN-0001, password
     KH-device-password (`serve --devices` line
     `KH-device:serial=KH-SN-0001;password=KH-device-password`).

     Masked per the Profiles' Permitted Test Case Variations: Unique
     Identifiers ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message
     (optional free text, never written here). Everything else is exact.'''
    c.req('Create', create_payload(c), auth=cred_device('KH-SN-0001', 'not-the-password'))
    c.resp(None, 'OperationFailed', reason='AuthenticationNotSuccessful')
    c.req('Create', create_payload(c), auth=cred_device('KH-SN-9999', 'KH-device-password'))
    c.resp(None, 'OperationFailed', reason='AuthenticationNotSuccessful')
    c.req('Create', create_payload(c), auth=cred_device(*DEVICE))
    c.resp('Create', payload=created(0))
    c.req('Get', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Get', 'OperationFailed', reason='PermissionDenied')
    c.req('Destroy', uid_item(0), auth=cred_device(*DEVICE))
    c.resp('Destroy', payload=uid_item(0))
    c.write()
# ---------------------------------------------------------------- case 8
for vv in ['20', '21']:
    cid = f'KH-ACCESS-8-{vv}'
    c = Case(cid, vv, '')
    sec_dl = '§6.1.12 Delegated Login'
    sec_right = '§7.34 Right, §7.35 Rights, §7.21 Objects, §7.25 Operations' if vv == '21' else 'Right / Rights, §7.17 Objects, §7.19 Operations'
    c.comment = f'''     What it tests:
     Delegated Login: KH-alice creates two keys and asks for a ticket whose
     Rights allow only Activate of the first one. A request authenticated
     with that ticket alone activates the first key; its Activate of the
     second key and its Destroy of the first are Permission Denied; a
     Delegated Login with that ticket (delegating further) is Permission
     Denied. KH-alice revokes and destroys both keys.

     Expected responses per KMIP {c.major}.{c.minor}:
     {sec_dl}: "Requests using the ticket MUST only be permitted to perform
     the operations specified in the Rights section"; Rights: "List of Rights
     granted to the ticket holder which may only perform operations allowed
     by at least one of the contained Right structures"; Delegated Login
     errors include Permission Denied.
     {sec_right}: a Right "defines a right to perform specific
     numbers of specific operations on specific managed objects. If any field
     is omitted, then that aspect is unrestricted"; Objects is "A list of
     Object Unique Identifiers".
     Readings: the ticket acts as the identity that asked for it (so it may
     use KH-alice's keys, within the Rights); a ticket holder may not widen
     or pass on its Rights, so Delegated Login with a delegated ticket is
     refused. Activate's response is its Unique Identifier.

     Masked per the Profiles' Permitted Test Case Variations: the
     server-generated Ticket Value ($TICKET_VALUE_0), Unique Identifiers
     ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message (optional free
     text, never written here). Everything else is exact.'''
    ticket = """<Ticket>
  <TicketType type="Enumeration" value="Login"/>
  <TicketValue type="ByteString" value="$TICKET_VALUE_0"/>
</Ticket>"""
    rights = f"""<Rights>
  <Right>
    <Operations>
      <Operation type="Enumeration" value="Activate"/>
    </Operations>
    <Objects>
      {uid_item(0)}
    </Objects>
  </Right>
</Rights>"""
    revoke = lambda n: uid_item(n) + """
<RevocationReason>
  <RevocationReasonCode type="Enumeration" value="CessationOfOperation"/>
</RevocationReason>"""
    c.req('Create', create_payload(c), auth=cred_pw(*ALICE))
    c.resp('Create', payload=created(0))
    c.req('Create', create_payload(c), auth=cred_pw(*ALICE))
    c.resp('Create', payload=created(1))
    c.req('DelegatedLogin', rights, auth=cred_pw(*ALICE))
    c.resp('DelegatedLogin', payload=ticket)
    c.req('Activate', uid_item(0), auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp('Activate', payload=uid_item(0))
    c.req('Activate', uid_item(1), auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp('Activate', 'OperationFailed', reason='PermissionDenied')
    c.req('Destroy', uid_item(0), auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp('Destroy', 'OperationFailed', reason='PermissionDenied')
    c.req('DelegatedLogin', rights, auth=cred_ticket('$TICKET_VALUE_0'))
    c.resp('DelegatedLogin', 'OperationFailed', reason='PermissionDenied')
    c.req('Revoke', revoke(0), auth=cred_pw(*ALICE))
    c.resp('Revoke', payload=uid_item(0))
    c.req('Destroy', uid_item(0), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(0))
    c.req('Destroy', uid_item(1), auth=cred_pw(*ALICE))
    c.resp('Destroy', payload=uid_item(1))
    c.write()
print('ok')
