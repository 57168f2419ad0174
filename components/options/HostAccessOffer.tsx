import { useEffect, useState } from 'preact/hooks';
import { hostOf } from './feed-text';
import type { FeedsPort } from './ports';

/**
 * Offered after a network error: a feed host that does not send CORS headers can still be read
 * once the user lets Signpost download from it. Asked only then, so hosts that work never prompt.
 */
export function HostAccessOffer({ url, port, onGranted }: { url: string; port: FeedsPort; onGranted: () => void }) {
  const [needed, setNeeded] = useState(false);
  const [refused, setRefused] = useState(false);
  const host = hostOf(url);

  useEffect(() => {
    let current = true;
    void port.hasHostAccess(url).then((has) => current && setNeeded(!has), () => current && setNeeded(false));
    return () => {
      current = false;
    };
  }, [port, url]);

  if (!needed) return null;
  const ask = async () => {
    if (await port.requestHostAccess(url)) onGranted();
    else setRefused(true);
  };
  return (
    <div class="host-access">
      <p>
        If the address is right, the feed's server may not let other sites read it. Signpost needs permission to download from {host}. It will only
        download the feed from there.
      </p>
      <button type="button" class="button secondary" onClick={() => void ask()}>
        Allow downloads from {host}
      </button>
      {refused && <p>Permission was not given, so Signpost cannot download this feed unless its server allows it.</p>}
    </div>
  );
}
