import type { FileActions } from './PracticeReport';

/** Saves text as a download, and prints the page: what My signposting needs of the browser. */
export function browserFileActions(): FileActions {
  return {
    download: (fileName, text, type) => {
      const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
    print: () => window.print(),
  };
}
