// A QR code as inline SVG (the CSP allows no data: images), for printing the
// scoring links at the meeting.
import qrcode from 'qrcode-generator';

export function qr_svg(text) {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  return code.createSvgTag({ cellSize: 4, margin: 16, scalable: true });
}
