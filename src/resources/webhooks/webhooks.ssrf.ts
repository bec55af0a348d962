import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * Where a webhook may not point: addresses inside the server's own network, so that a webhook
 * cannot be used to reach them (SSRF). Each range is named in the refusal. The more specific
 * come first: a cloud metadata address is named as such, not as link-local.
 */
const RANGES: [name: string, cidr: string][] = [
  ['cloud metadata', '169.254.169.254/32'],
  ['cloud metadata', '169.254.170.2/32'],
  ['cloud metadata', '100.100.100.200/32'],
  ['cloud metadata', '192.0.0.192/32'],
  ['cloud metadata', 'fd00:ec2::254/128'],
  ['unspecified', '0.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['CGNAT', '100.64.0.0/10'],
  ['loopback', '127.0.0.0/8'],
  ['link-local', '169.254.0.0/16'],
  ['private', '172.16.0.0/12'],
  ['reserved', '192.0.0.0/24'],
  ['documentation', '192.0.2.0/24'],
  ['private', '192.168.0.0/16'],
  ['benchmarking', '198.18.0.0/15'],
  ['documentation', '198.51.100.0/24'],
  ['documentation', '203.0.113.0/24'],
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['IPv4-mapped', '::ffff:0:0/96'],
  ['IPv4-compatible', '::/96'],
  ['NAT64', '64:ff9b::/96'],
  ['NAT64', '64:ff9b:1::/48'],
  ['discard', '100::/64'],
  ['documentation', '2001:db8::/32'],
  ['6to4', '2002::/16'],
  ['Teredo', '2001::/32'],
  ['IPv6 unique local', 'fc00::/7'],
  ['IPv6 link-local', 'fe80::/10'],
  ['IPv6 site-local', 'fec0::/10'],
  ['multicast', 'ff00::/8'],
]

const ranges = RANGES.map(([name, cidr]) => {
  const [network, prefix] = cidr.split('/') as [string, string]
  const family = isIP(network) === 6 ? 'ipv6' : 'ipv4'
  const list = new BlockList()
  list.addSubnet(network, Number(prefix), family)
  return { name, family, list }
})

/** The name of the refused range `address` is in, or null for an address on the public internet. */
export function refusedRange(address: string): string | null {
  const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null
  if (!family) return 'not an IP address'
  for (const range of ranges) if (range.family === family && range.list.check(address, family)) return range.name
  return null
}

/** Names that point at a cloud provider's metadata service whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal'])

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true })

/** Where to connect for a URL: the address that was checked. */
export interface Destination {
  address: string
  family: 4 | 6
}

export class RefusedDestination extends Error {}

/**
 * Resolves the URL's host and checks every address it resolves to: one refused address refuses
 * the URL (a name may answer differently each time). The caller connects to the address returned,
 * never resolving again, so a name that changes its answer after the check (DNS rebinding)
 * cannot lead the connection elsewhere. `allowPrivate` skips the ranges, not the resolution.
 */
export async function checkDestination(url: URL, allowPrivate: boolean, lookup: Lookup = systemLookup): Promise<Destination> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '')
  if (!allowPrivate && METADATA_HOSTS.has(host)) throw new RefusedDestination(`${host} is a cloud metadata service`)
  let addresses: { address: string; family: number }[]
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }]
  else {
    try {
      addresses = await lookup(host)
    } catch (err) {
      throw new RefusedDestination(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    if (!addresses.length) throw new RefusedDestination(`${host} does not resolve`)
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const range = refusedRange(address)
      if (range) throw new RefusedDestination(`${host} resolves to ${address}, a ${range} address`)
    }
  }
  const first = addresses[0]!
  return { address: first.address, family: first.family === 6 ? 6 : 4 }
}
