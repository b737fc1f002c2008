import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../homelab/request.ts';
import { type FakeBeszel, startFakeBeszel } from './index.ts';

describe('fake Beszel hub (PocketBase)', () => {
  let beszel: FakeBeszel;
  beforeAll(async () => {
    beszel = await startFakeBeszel();
  });
  afterAll(() => beszel.close());

  const login = (identity: unknown, password: unknown) =>
    rawRequest(`${beszel.url}/api/collections/users/auth-with-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity, password }),
    });

  it('refuses a wrong password with PocketBase’s 400 error body', async () => {
    const response = await login(beszel.env.BESZEL_EMAIL, 'wrong');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ status: 400, message: 'Failed to authenticate.', data: {} });
  });

  it('refuses a missing field with a validation error', async () => {
    const response = await login(beszel.env.BESZEL_EMAIL, '');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).data.password.code).toBe('validation_required');
  });

  it('pages records by page and perPage, and a guest token sees none', async () => {
    const { token } = JSON.parse((await login(beszel.env.BESZEL_EMAIL, beszel.env.BESZEL_PASSWORD)).text);
    const page2 = JSON.parse(
      (
        await rawRequest(`${beszel.url}/api/collections/systems/records?page=2&perPage=3`, {
          headers: { authorization: token },
        })
      ).text,
    );
    expect(page2).toMatchObject({ page: 2, perPage: 3, totalItems: 4, totalPages: 2 });
    expect(page2.items).toHaveLength(1);
    const guest = JSON.parse(
      (
        await rawRequest(`${beszel.url}/api/collections/systems/records`, {
          headers: { authorization: 'forged' },
        })
      ).text,
    );
    expect(guest.items).toEqual([]);
  });

  it('sends new-agent info without the deprecated keys', async () => {
    const nas = beszel.data.systems.find((system) => system.name === 'nas');
    const info = nas?.info as Record<string, unknown>;
    expect(Object.keys(info)).toEqual(expect.arrayContaining(['u', 'cpu', 'mp', 'dp', 'la', 'dt', 'v']));
    for (const key of ['h', 'k', 'c', 'm', 'os']) expect(info).not.toHaveProperty(key);
  });

  it('answers 404 for an unknown collection or path', async () => {
    const collection = await rawRequest(`${beszel.url}/api/collections/nope/records`);
    expect(collection.status).toBe(404);
    expect(JSON.parse(collection.text).message).toBe('Missing collection context.');
    expect((await rawRequest(`${beszel.url}/api/whatever`)).status).toBe(404);
  });
});
