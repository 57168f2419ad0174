import { useEffect, useId, useState } from 'preact/hooks';
import { LINK_BADGES_SETTING, SITE_ORIGINS } from '@/lib/settings/site-access';

/** What the section needs from the browser, injected so component tests need no extension APIs. */
export interface SiteAccessPort {
  hasPermission(): Promise<boolean>;
  requestPermission(): Promise<boolean>;
  removePermission(): Promise<void>;
  linkBadges(): Promise<boolean>;
  setLinkBadges(on: boolean): Promise<void>;
}

export const browserSiteAccess: SiteAccessPort = {
  hasPermission: () => browser.permissions.contains({ origins: SITE_ORIGINS }),
  requestPermission: () => browser.permissions.request({ origins: SITE_ORIGINS }),
  removePermission: async () => {
    await browser.permissions.remove({ origins: SITE_ORIGINS });
    await browser.storage.local.set({ [LINK_BADGES_SETTING]: false });
  },
  linkBadges: async () => (await browser.storage.local.get(LINK_BADGES_SETTING))[LINK_BADGES_SETTING] === true,
  setLinkBadges: (on) => browser.storage.local.set({ [LINK_BADGES_SETTING]: on }),
};

export function SiteAccess({ access, badgesLocked = false }: { access: SiteAccessPort; badgesLocked?: boolean }) {
  const [granted, setGranted] = useState<boolean | null>(null);
  const [badges, setBadges] = useState(false);
  const [message, setMessage] = useState('');
  const sitesId = useId();
  const badgesId = useId();

  useEffect(() => {
    void Promise.all([access.hasPermission(), access.linkBadges()]).then(([hasPermission, linkBadges]) => {
      setGranted(hasPermission);
      setBadges(hasPermission && linkBadges);
    });
  }, [access]);

  const toggleSites = async (on: boolean) => {
    if (on) {
      const ok = await access.requestPermission();
      setGranted(ok);
      setMessage(ok ? 'Signpost now recognises tool websites.' : 'Permission was not given, so nothing changed.');
    } else {
      await access.removePermission();
      setGranted(false);
      setBadges(false);
      setMessage('Signpost no longer looks at other websites. The permission has been given back.');
    }
  };

  const toggleBadges = async (on: boolean) => {
    await access.setLinkBadges(on);
    setBadges(on);
    setMessage(on ? 'Link badges are on. Reload open pages to see them.' : 'Link badges are off.');
  };

  return (
    <section aria-labelledby="site-access-heading" class="panel">
      <h2 id="site-access-heading">Other websites</h2>
      <p>
        Signpost always works on App Store and Google Play pages. It can also recognise a tool's own website, and mark links to known tools on
        any page (webmail, GP forums, search results).
      </p>
      <p>
        To do that, your browser must let Signpost read the address of the pages you open. Your browser may describe this as "read and change all
        your data on all websites". Signpost only compares each address with the registry on this computer: it never sends the pages you visit
        anywhere, and it changes nothing on them except adding its card or badges.
      </p>
      <div class="field">
        <input id={sitesId} type="checkbox" checked={granted === true} disabled={granted === null} onChange={(e) => void toggleSites(e.currentTarget.checked)} />
        <label for={sitesId}>Recognise tool websites</label>
      </div>
      <div class="field">
        <input
          id={badgesId}
          type="checkbox"
          checked={badges}
          disabled={granted !== true || badgesLocked}
          aria-describedby={`${badgesId}-hint`}
          onChange={(e) => void toggleBadges(e.currentTarget.checked)}
        />
        <label for={badgesId}>Show badges beside links to known tools</label>
        <p id={`${badgesId}-hint`} class="hint">
          Needs "Recognise tool websites". Hover over or move keyboard focus to a marked link to see its trust check.
          {badgesLocked && ' Set by your organisation.'}
        </p>
      </div>
      <p role="status" class="status">
        {message}
      </p>
    </section>
  );
}
