import { WebhookUrlRules } from './webhook-url.policy';

describe(WebhookUrlRules.name, () => {
  describe('without an allow-list', () => {
    const sut = new WebhookUrlRules(undefined);

    it.each(['https://hooks.example.com/scim', 'http://127.0.0.1:8080/x', 'https://[::1]/hook'])(
      'accepts %s',
      (url) => {
        expect(sut.problem(url)).toBeUndefined();
      },
    );

    it.each([
      ['not a url', 'absolute http or https URL'],
      ['ftp://example.com/x', 'must use http or https (got "ftp")'],
      ['file:///etc/passwd', 'must use http or https (got "file")'],
      ['https://user:pw@example.com/x', 'must not carry credentials'],
      ['https://user@example.com/x', 'must not carry credentials'],
    ])('refuses %s', (url, problem) => {
      expect(sut.problem(url)).toContain(problem);
    });
  });

  describe('with WEBHOOK_ALLOWED_HOSTS', () => {
    const sut = new WebhookUrlRules('hooks.example.com, *.partner.io,10.1.0.0/16, 192.0.2.7, fd00::/8');

    it.each([
      'https://hooks.example.com/a',
      'https://HOOKS.example.com/a',
      'https://a.partner.io/x',
      'https://deep.a.partner.io/x',
      'http://10.1.255.3:9000/x',
      'http://192.0.2.7/x',
      'http://[fd12::1]/x',
    ])('accepts %s', (url) => {
      expect(sut.problem(url)).toBeUndefined();
    });

    it.each([
      'https://evil.example.com/a',
      'https://partner.io/x',
      'https://notpartner.io/x',
      'http://10.2.0.1/x',
      'http://192.0.2.8/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'http://localhost/x',
    ])('refuses %s, naming the host and the setting', (url) => {
      expect(sut.problem(url)).toMatch(/^url host ".+" is not allowed by WEBHOOK_ALLOWED_HOSTS$/);
    });
  });
});
