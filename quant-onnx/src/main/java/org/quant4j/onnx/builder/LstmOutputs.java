package org.quant4j.onnx.builder;

/**
 * Output tensor names of an ONNX LSTM node.
 *
 * @param y     all hidden states, {@code [seq_length, num_directions, batch, hidden]}
 * @param yH    last hidden state, {@code [num_directions, batch, hidden]}
 * @param yC    last cell state, {@code [num_directions, batch, hidden]}
 */
public record LstmOutputs(String y, String yH, String yC) {
}
