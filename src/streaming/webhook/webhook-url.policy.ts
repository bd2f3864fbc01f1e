import { Injectable } from '@nestjs/common';
import { BlockList, isIP } from 'node:net';
import { AppConfig } from '../../config/app-config';

/**
 * Which URLs a webhook subscription may target (issue "Streaming", Safety). A subscription URL makes the server
 * send requests of its own, so an operator restricts the targets with WEBHOOK_ALLOWED_HOSTS: a comma list of
 * host names (`hooks.example.com`), wildcards (`*.example.com`: any sub-domain, not the domain itself), IP
 * addresses and CIDRs (`10.0.0.0/8`, `fd00::/8`). Unset: any host. The URL is checked at creation and again
 * before every attempt (the list may have changed since). IP and CIDR entries match URLs whose host is an IP
 * literal; a host name is matched by name (the operator trusts the DNS of the names it allows).
 */
export class WebhookUrlRules {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly addresses = new BlockList();
  readonly restricted: boolean;

  constructor(allowList: string | undefined) {
    const entries = (allowList ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e !== '');
    this.restricted = entries.length > 0;
    for (const entry of entries) this.add(entry);
  }

  /** Why the URL may not be used, or undefined when it may. */
  problem(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `url must be an absolute http or https URL (got ${JSON.stringify(url)})`;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return `url must use http or https (got ${JSON.stringify(parsed.protocol.replace(/:$/, ''))})`;
    }
    if (parsed.username !== '' || parsed.password !== '') {
      return 'url must not carry credentials (user:password@): the request is signed instead';
    }
    if (!this.restricted || this.allows(parsed.hostname)) return undefined;
    return `url host ${JSON.stringify(parsed.hostname)} is not allowed by WEBHOOK_ALLOWED_HOSTS`;
  }

  private allows(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    if (family !== 0) return this.addresses.check(host, family === 4 ? 'ipv4' : 'ipv6');
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  private add(entry: string): void {
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr && isIP(cidr[1]) !== 0) {
      const family = isIP(cidr[1]) === 4 ? 'ipv4' : 'ipv6';
      this.addresses.addSubnet(cidr[1], Number(cidr[2]), family);
    } else if (isIP(entry) !== 0) {
      this.addresses.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6');
    } else if (entry.startsWith('*.')) {
      this.suffixes.push(entry.slice(1));
    } else {
      this.names.add(entry);
    }
  }
}

/** The rules of this server's configuration (WEBHOOK_ALLOWED_HOSTS), for DI. */
@Injectable()
export class WebhookUrlPolicy extends WebhookUrlRules {
  constructor(config: AppConfig) {
    super(config.webhookAllowedHosts);
  }
}
