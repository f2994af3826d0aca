/** The portal's message files stay in step: the same keys in English and Slovak, none of them empty. */
import { loadMessages } from '../../api/portal/i18n';

test('en and sk portal messages have the same keys and no empty strings', () => {
  const en = loadMessages('en');
  const sk = loadMessages('sk');
  expect(Object.keys(sk).sort()).toEqual(Object.keys(en).sort());
  for (const m of [en, sk]) expect(Object.entries(m).filter(([, v]) => !v.trim())).toEqual([]);
});
