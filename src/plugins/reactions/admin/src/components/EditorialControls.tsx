/**
 * Editorial control in the edit view's Reactions panel: "Close reactions" (readers keep seeing
 * the tally; writes are refused) and "Kinds offered" (a subset of the configured kinds). Saved
 * through PUT /reactions/settings/:uid/:documentId, which checks the editor's update permission
 * on this document; a refusal is shown as the server worded it.
 */
import * as React from 'react';
import { Box, Button, Checkbox, Field, Flex, Toggle, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import type { AdminTally, KindInfo } from '../../../shared/contract';
import { ADMIN_PREFIX, errorMessage } from '../data-loading';
import { Emoji } from './Emoji';

type Props = { model: string; documentId: string; kinds: KindInfo[]; tally: AdminTally };

export const EditorialControls = ({ model, documentId, kinds, tally }: Props) => {
  const { put } = useFetchClient();
  const [closed, setClosed] = React.useState(tally.closed);
  const [offered, setOffered] = React.useState<string[]>(tally.kinds);
  const [state, setState] = React.useState<{ saving: boolean; message: string | null; tone: 'danger600' | 'success600' }>({
    saving: false,
    message: null,
    tone: 'success600',
  });

  // What the server has: the loaded tally's setting, then what was last saved (the panel's tally is not reloaded).
  const [saved, setSaved] = React.useState({ closed: tally.closed, kinds: tally.kinds });

  React.useEffect(() => {
    setClosed(tally.closed);
    setOffered(tally.kinds);
    setSaved({ closed: tally.closed, kinds: tally.kinds });
  }, [tally]);

  const changed = closed !== saved.closed || offered.join(',') !== saved.kinds.join(',');

  const toggleKind = (kind: string, on: boolean) =>
    setOffered((current) => kinds.map((info) => info.kind).filter((key) => (key === kind ? on : current.includes(key))));

  const save = async () => {
    setState({ saving: true, message: null, tone: 'success600' });
    try {
      await put(`${ADMIN_PREFIX}/settings/${encodeURIComponent(model)}/${encodeURIComponent(documentId)}`, { data: { closed, kinds: offered } });
      setSaved({ closed, kinds: offered });
      setState({ saving: false, message: 'Saved', tone: 'success600' });
    } catch (error) {
      setState({ saving: false, message: errorMessage(error), tone: 'danger600' });
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={3} paddingTop={2} data-testid="reactions-editorial">
      <Field.Root name="reactions-closed" hint="Readers still see the tally; new reactions are refused.">
        <Field.Label>Close reactions</Field.Label>
        <Toggle
          onLabel="Closed"
          offLabel="Open"
          checked={closed}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => setClosed(event.target.checked)}
          data-testid="reactions-closed"
        />
        <Field.Hint />
      </Field.Root>
      <Box>
        <Typography variant="pi" fontWeight="bold" tag="p">
          Kinds offered
        </Typography>
        <Flex direction="column" alignItems="stretch" gap={1} paddingTop={1}>
          {kinds.map(({ kind, label, emoji }) => (
            <Checkbox
              key={kind}
              name={`reactions-kind-${kind}`}
              data-testid={`reactions-offer-${kind}`}
              checked={offered.includes(kind)}
              // The last offered kind stays: a story offers at least one.
              disabled={offered.length === 1 && offered.includes(kind)}
              onCheckedChange={(value: boolean | 'indeterminate') => toggleKind(kind, value === true)}
            >
              <Emoji symbol={emoji} /> {label}
            </Checkbox>
          ))}
        </Flex>
      </Box>
      <Flex gap={2}>
        <Button size="S" variant="secondary" onClick={save} loading={state.saving} disabled={!changed || state.saving} data-testid="reactions-save-settings">
          Save reaction settings
        </Button>
        {state.message && (
          <Typography variant="pi" textColor={state.tone} data-testid="reactions-settings-message">
            {state.message}
          </Typography>
        )}
      </Flex>
    </Flex>
  );
};
