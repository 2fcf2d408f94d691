import { isIP } from 'node:net';

/**
 * Technical data, minimised before anything keeps it: the IP truncated to its network (/24 for IPv4,
 * /48 for IPv6) and the user agent reduced to a coarse "Browser on OS" family. Nothing else is kept.
 */
export const truncateIp = (ip: string | null | undefined): string | null => {
  if (!ip) return null;
  let addr = ip.trim();
  if (addr.startsWith('[')) addr = addr.slice(1, addr.indexOf(']'));
  const zone = addr.indexOf('%');
  if (zone >= 0) addr = addr.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (mapped) addr = mapped[1]!;
  const kind = isIP(addr);
  if (kind === 4) {
    const p = addr.split('.');
    return `${p[0]}.${p[1]}.${p[2]}.0/24`;
  }
  if (kind === 6) {
    const [head = '', tail = ''] = addr.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = addr.includes('::')
      ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
      : h;
    const first3 = groups.slice(0, 3).map((g) => (parseInt(g || '0', 16) || 0).toString(16));
    return `${first3.join(':')}::/48`;
  }
  return null;
};

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//i, 'curl'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export const uaFamily = (ua: string | null | undefined): string | null => {
  if (!ua) return null;
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? 'Other browser';
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  return os ? `${browser} on ${os}` : browser;
};
