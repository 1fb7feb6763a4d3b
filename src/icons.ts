import { LabIcon } from '@jupyterlab/ui-components';

import keySvgStr from '../style/icons/key.svg';

/**
 * The key icon of the tokens panel and its commands.
 */
export const keyIcon = new LabIcon({
  name: 'jupyterlab-mlplatform-tokens:key',
  svgstr: keySvgStr
});
