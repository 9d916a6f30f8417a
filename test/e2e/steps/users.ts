import assert from 'node:assert/strict';
import type { E2eContext } from '../context.js';

// Users, API tokens and roles (사용자·권한), signed in as the administrator.
export async function userSteps(e: E2eContext): Promise<void> {
  const { page, url, api, step, shot } = e;

  await step('users: add a user (the password policy is enforced), change the role, unlock after a lock-out, the last administrator stays', async () => {
    await page.goto(`${url}/users`);
    await page.locator('[data-testid=users-table]').waitFor();
    await page.click('[data-testid=new-user]');
    await page.fill('[data-testid=new-user-username]', 'lee.analyst');
    await page.fill('[data-testid=new-user-name]', '이분석 (민원 분석)');
    await page.selectOption('[data-testid=new-user-role]', 'analyst');
    await page.fill('[data-testid=new-user-password]', 'short');
    await page.click('[data-testid=new-user-submit]');
    assert.ok((await page.locator('[data-testid=new-user-error]').innerText()).includes('비밀번호 정책'), 'the policy refusal is worded in Korean');
    assert.equal(await page.locator('[data-testid=user-row-lee\\.analyst]').count(), 0, 'a refused user is not listed');
    await page.fill('[data-testid=new-user-password]', 'Analyst-Temp-2026!');
    await page.click('[data-testid=new-user-submit]');
    const row = page.locator('[data-testid=user-row-lee\\.analyst]');
    await row.waitFor();
    assert.ok((await row.innerText()).includes('비밀번호 변경 대기'));

    await row.locator('[data-testid=user-role]').selectOption('supervisor');
    await page.locator('.toast-ok').filter({ hasText: 'lee.analyst' }).first().waitFor();
    const listed = (await api('GET', '/api/users')).items.find((u: any) => u.username === 'lee.analyst');
    assert.equal(listed.role, 'supervisor');

    // Five wrong passwords lock the account; the administrator lifts the lock on the screen.
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lee.analyst', password: 'wrong-password' }) });
      assert.equal(r.status, 401);
    }
    await page.reload();
    await row.locator('[data-testid=user-locked]').waitFor();
    await shot(page, '23-users');
    await row.locator('[data-testid=user-unlock]').click();
    await row.locator('[data-testid=user-locked]').waitFor({ state: 'detached' });
    const ok = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lee.analyst', password: 'Analyst-Temp-2026!' }) });
    assert.equal(ok.status, 200, 'the unlocked user signs in');

    // The only administrator cannot disable themselves: refused with a clear message, nothing changes.
    const admins = (await api('GET', '/api/users')).items.filter((u: any) => u.role === 'admin' && !u.disabled);
    assert.equal(admins.length, 1);
    const adminRow = page.locator(`[data-testid=user-row-${admins[0].username}]`);
    await adminRow.locator('[data-testid=user-disable]').click();
    await page.click('[data-testid=confirm-action]');
    await page.locator('.toast-err').filter({ hasText: '마지막 관리자' }).first().waitFor();
    assert.equal((await api('GET', '/api/users')).items.find((u: any) => u.id === admins[0].id).disabled, false);
  });

  await step('API tokens: issue a scoped token (value shown once), it works for its scope only, revoke it; the role matrix', async () => {
    await page.click('[data-testid=users-tab-tokens]');
    await page.click('[data-testid=new-token]');
    await page.fill('[data-testid=new-token-name]', 'CTI 녹취 서버');
    await page.locator('[data-testid=scope-ingest\\:write]').check();
    await page.click('[data-testid=new-token-submit]');
    const value = (await page.locator('[data-testid=token-value]').innerText()).trim();
    assert.match(value, /^rdr_/);
    await shot(page, '24-token-once');
    await page.locator('.modal-foot button.btn-primary').click();
    await page.locator('[data-testid=token-value]').waitFor({ state: 'detached' });

    const h = { authorization: `Bearer ${value}`, 'content-type': 'application/json' };
    assert.equal((await fetch(`${url}/api/calls`, { method: 'POST', headers: h, body: '{}' })).status, 201, 'ingest scope works');
    assert.equal((await fetch(`${url}/api/alerts`, { headers: { authorization: h.authorization } })).status, 403, 'outside its scope');

    const tokenRow = page.locator('[data-testid="token-row-CTI 녹취 서버"]');
    await tokenRow.waitFor();
    await tokenRow.locator('[data-testid=token-revoke]').click();
    await page.click('[data-testid=confirm-action]');
    await tokenRow.waitFor({ state: 'detached' });
    assert.equal((await fetch(`${url}/api/calls`, { method: 'POST', headers: h, body: '{}' })).status, 401, 'a revoked token is refused');

    await page.click('[data-testid=users-tab-roles]');
    const matrix = page.locator('[data-testid=roles-matrix]');
    await matrix.waitFor();
    const text = await matrix.innerText();
    assert.ok(text.includes('본인 통화 조회') && text.includes('감사 로그 조회'));
    await shot(page, '25-roles', true);
  });
}
