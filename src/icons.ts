import { LabIcon } from '@jupyterlab/ui-components';

import teamResourcesSvg from '../style/icons/team-resources.svg';

/** The icon of the "Team resources" sidebar tab. */
export const teamResourcesIcon = new LabIcon({
  name: 'studio-abac-ext:team-resources',
  svgstr: teamResourcesSvg
});
