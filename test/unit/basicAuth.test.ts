import { generatePassword, hashPassword, parseBasicAuth, verifyPassword } from '../../src/auth';
import { capabilitiesFor, hasCapability } from '../../src/auth/capabilities';

const basic = (text: string, scheme = 'Basic') => `${scheme} ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('parseBasicAuth', () => {
  test('reads name and password', () => {
    expect(parseBasicAuth(basic('admin:s3cret'))).toEqual({ name: 'admin', password: 's3cret' });
  });

  test('the scheme is case-insensitive; surrounding whitespace is ignored', () => {
    expect(parseBasicAuth(basic('a:b', 'basic'))).toEqual({ name: 'a', password: 'b' });
    expect(parseBasicAuth(`  ${basic('a:b', 'BASIC')}  `)).toEqual({ name: 'a', password: 'b' });
  });

  test('splits at the first colon: the password keeps the others', () => {
    expect(parseBasicAuth(basic('app:pa:ss:word'))).toEqual({ name: 'app', password: 'pa:ss:word' });
  });

  test('keeps spaces and UTF-8 in the password, allows an empty one', () => {
    expect(parseBasicAuth(basic('app:abcd EFGH ijkl'))).toEqual({ name: 'app', password: 'abcd EFGH ijkl' });
    expect(parseBasicAuth(basic('app:pässwörd'))).toEqual({ name: 'app', password: 'pässwörd' });
    expect(parseBasicAuth(basic('app:'))).toEqual({ name: 'app', password: '' });
  });

  test.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Bearer ${Buffer.from('a:b').toString('base64')}`],
    ['the scheme alone', 'Basic'],
    ['the scheme without a space', `Basic${Buffer.from('a:b').toString('base64')}`],
    ['no colon', basic('adminpassword')],
    ['an empty name', basic(':password')],
    ['characters outside base64', 'Basic YWRt!W46cGFzcw=='],
    ['base64 with a bad length', 'Basic YWRtaW46cGFzc'],
    ['two tokens', `Basic ${Buffer.from('a:b').toString('base64')} extra`],
    ['bytes that are not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
  ])('%s → null', (_case, header) => {
    expect(parseBasicAuth(header)).toBeNull();
  });
});

describe('password hashing', () => {
  test('a hash is a self-describing scrypt string that verifies its password only', async () => {
    const encoded = await hashPassword('correct horse');
    expect(encoded).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(encoded).not.toContain('correct');
    await expect(verifyPassword('correct horse', encoded)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', encoded)).resolves.toBe(false);
    await expect(verifyPassword('', encoded)).resolves.toBe(false);
  });

  test('the same password hashes differently each time (random salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  test('spaces in the given password are ignored, as WordPress shows them in groups of four', async () => {
    const encoded = await hashPassword('abcdEFGHijklMNOP');
    await expect(verifyPassword('abcd EFGH ijkl MNOP', encoded)).resolves.toBe(true);
  });

  test.each([
    ['not ours', 'bcrypt$2y$10$abc'],
    ['empty', ''],
    ['N not a power of two', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['a cost too high to compute', 'scrypt$2097152$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['a hash too short', 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'],
  ])('a malformed stored hash (%s) verifies nothing and does not throw', async (_case, encoded) => {
    await expect(verifyPassword('anything', encoded)).resolves.toBe(false);
  });
});

describe('generatePassword', () => {
  test('24 characters of [A-Za-z0-9], different every time', () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(new Set(passwords).size).toBe(passwords.length);
    // Across 4,800 characters every class shows up (a missing one would mean a broken alphabet).
    const all = passwords.join('');
    expect(all).toMatch(/[A-Z]/);
    expect(all).toMatch(/[a-z]/);
    expect(all).toMatch(/[0-9]/);
  });
});

describe('capabilities', () => {
  test('manage includes read', () => {
    expect(capabilitiesFor('read')).toEqual(['fcrm_read_contacts']);
    expect(capabilitiesFor('manage')).toEqual(['fcrm_read_contacts', 'fcrm_manage_contacts']);
  });

  test('hasCapability', () => {
    const reader = { name: 'r', capabilities: capabilitiesFor('read'), userId: null };
    expect(hasCapability(reader, 'fcrm_read_contacts')).toBe(true);
    expect(hasCapability(reader, 'fcrm_manage_contacts')).toBe(false);
    expect(hasCapability(null, 'fcrm_read_contacts')).toBe(false);
  });
});
