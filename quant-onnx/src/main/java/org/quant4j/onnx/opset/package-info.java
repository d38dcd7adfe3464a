/**
 * Opset conversion: raises a graph's default-domain opset (from 7 up to {@link
 * org.quant4j.onnx.opset.OpsetConverter#MAX_TARGET}) and rewrites every node whose op changed meaning or
 * signature on the way, one {@link org.quant4j.onnx.opset.OpAdapter} per op and version, so that the
 * converted model computes what the original did. What cannot be expressed at the target is refused
 * with the node, op and versions named.
 */
package org.quant4j.onnx.opset;
