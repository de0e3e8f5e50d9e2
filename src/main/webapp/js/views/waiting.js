// The knocking newcomer's view (#waiting): shown while the owner has not admitted this session, with the member
// code the owner sees beside the knock.

import { byId } from './dom.js';

export function createWaitingView() {
  const section = byId('waiting');
  const code = byId('waiting-code');
  return {
    show(memberCode) {
      code.textContent = memberCode;
      section.hidden = false;
    },
    hide() {
      section.hidden = true;
    },
  };
}
