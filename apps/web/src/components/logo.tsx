import styles from './site-chrome.module.css';
/** Brand mark: a speech bubble with a check — decorative, the brand name is always next to it. */
export function LogoMark() {
  return (
    <svg className={styles.brandMark} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="30" height="24" rx="8" fill="#0b6b66" />
      <path d="M9 25 L9 31 L16 25 Z" fill="#0b6b66" />
      <path
        d="M9.5 13.5 L14 18 L22.5 9.5"
        fill="none"
        stroke="#fff"
        strokeWidth="3"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
