package org.sparsenn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed header of a {@code .npy} array: versions 1.0, 2.0 and 3.0, the header being a
 * Python dict literal with {@code descr}, {@code fortran_order} and {@code shape}.
 *
 * @param headerBytes bytes before the data (magic, version, length field, dict)
 * @param type the element type in the file
 * @param order its byte order
 * @param descr the dtype text, e.g. {@code <f4}
 * @param shape the dimensions
 * @param count the number of elements
 */
record NpyHeader(int headerBytes, ElementType type, ByteOrder order, String descr,
    long[] shape, int count) {

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** The largest dict we read; NumPy's own headers for plain dtypes are about 128 bytes. */
  static final int MAX_DICT_BYTES = 64 * 1024;

  /** Bytes of element data after the header. */
  long dataBytes() {
    return (long) count * type.bytes;
  }

  /**
   * Reads and checks a header, then checks the data it announces against {@code available},
   * the bytes the source holds from the magic to its end (so nothing is allocated for a header
   * that lies).
   *
   * @param where the file (and entry) for messages
   * @throws ModelFormatException on anything but a C-order float32/float64 array whose data
   *     exactly fills the rest of the source
   * @throws IOException if reading fails
   */
  static NpyHeader read(InputStream in, long available, String where) throws IOException {
    byte[] prefix = readExactly(in, 8, where, "the magic and version");
    for (int i = 0; i < MAGIC.length; i++) {
      if (prefix[i] != MAGIC[i]) {
        throw new ModelFormatException(where + ": not a NumPy .npy array (no \\x93NUMPY magic)");
      }
    }
    int major = prefix[6] & 0xff;
    int minor = prefix[7] & 0xff;
    int lengthBytes;
    if (major == 1 && minor == 0) {
      lengthBytes = 2;
    } else if ((major == 2 || major == 3) && minor == 0) {
      lengthBytes = 4;
    } else {
      throw new ModelFormatException(where + ": .npy version " + major + "." + minor
          + " is not supported (expected 1.0, 2.0 or 3.0)");
    }
    byte[] lengthField = readExactly(in, lengthBytes, where, "the header length");
    long dictLength = 0;
    for (int i = lengthBytes - 1; i >= 0; i--) {
      dictLength = (dictLength << 8) | (lengthField[i] & 0xff);
    }
    long headerBytes = 8 + lengthBytes + dictLength;
    if (dictLength > MAX_DICT_BYTES) {
      throw new ModelFormatException(where + ": .npy header claims " + dictLength
          + " bytes, more than the " + MAX_DICT_BYTES + " allowed");
    }
    if (headerBytes > available) {
      throw new ModelFormatException(where + ": truncated: the .npy header needs "
          + headerBytes + " bytes, the file has " + available);
    }
    byte[] dictBytes = readExactly(in, (int) dictLength, where, "the header");
    String dict;
    try {
      var decoder = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
          .newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      dict = decoder.decode(ByteBuffer.wrap(dictBytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(where + ": .npy header is not valid UTF-8");
    }
    Map<String, Object> fields;
    try {
      Object parsed = new PythonLiteral(dict).parseAll();
      if (!(parsed instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("not a dict");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) parsed;
      fields = map;
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(where + ": malformed .npy header (" + e.getMessage()
          + "): " + abbreviate(dict));
    }
    for (String key : fields.keySet()) {
      if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
        throw new ModelFormatException(where + ": unexpected key '" + key + "' in .npy header");
      }
    }
    Object descrValue = fields.get("descr");
    Object fortran = fields.get("fortran_order");
    Object shapeValue = fields.get("shape");
    if (descrValue == null || fortran == null || shapeValue == null) {
      throw new ModelFormatException(where
          + ": .npy header needs 'descr', 'fortran_order' and 'shape': " + abbreviate(dict));
    }
    if (!(descrValue instanceof String descr)) {
      throw new ModelFormatException(where + ": structured (record) dtype " + abbreviate(
          String.valueOf(descrValue)) + " is not supported: expected float32 or float64");
    }
    if (!(fortran instanceof Boolean fortranOrder)) {
      throw new ModelFormatException(where + ": 'fortran_order' must be True or False");
    }
    if (fortranOrder) {
      throw new ModelFormatException(where + ": Fortran-order (column-major) arrays are not"
          + " supported: save a C-order array (numpy.ascontiguousarray) instead");
    }
    ElementType type;
    ByteOrder order;
    switch (descr) {
      case "<f4" -> {
        type = ElementType.F32;
        order = ByteOrder.LITTLE_ENDIAN;
      }
      case ">f4" -> {
        type = ElementType.F32;
        order = ByteOrder.BIG_ENDIAN;
      }
      case "<f8" -> {
        type = ElementType.F64;
        order = ByteOrder.LITTLE_ENDIAN;
      }
      case ">f8" -> {
        type = ElementType.F64;
        order = ByteOrder.BIG_ENDIAN;
      }
      case "<f2" -> {
        type = ElementType.F16;
        order = ByteOrder.LITTLE_ENDIAN;
      }
      default -> {
        if (descr.endsWith("O")) {
          throw new ModelFormatException(where + ": object arrays (dtype '" + descr
              + "') hold pickled Python objects and cannot be read: save a float32 array");
        }
        throw new ModelFormatException(where + ": dtype '" + descr + "' is not supported:"
            + " expected float32 ('<f4'), float64 ('<f8'), their big-endian forms, or '<f2'");
      }
    }
    if (!(shapeValue instanceof List<?> dims)) {
      throw new ModelFormatException(where + ": 'shape' must be a tuple of integers");
    }
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long dim)) {
        throw new ModelFormatException(where + ": 'shape' must be a tuple of integers, got "
            + abbreviate(String.valueOf(shapeValue)));
      }
      shape[i] = dim;
    }
    int count = Limits.elementCount(shape, where);
    long expected = headerBytes + (long) count * type.bytes;
    if (expected != available) {
      throw new ModelFormatException(where + ": shape " + Limits.shapeText(shape) + " of "
          + descr + " needs " + expected + " bytes in all, the file has " + available
          + (expected > available ? " (truncated?)" : " (trailing bytes)"));
    }
    return new NpyHeader((int) headerBytes, type, order, descr, shape, count);
  }

  /** Reads exactly {@code n} bytes, or reports the source truncated. */
  static byte[] readExactly(InputStream in, int n, String where, String what) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length != n) {
      throw new ModelFormatException(where + ": truncated while reading " + what);
    }
    return bytes;
  }

  private static String abbreviate(String text) {
    String oneLine = text.strip().replace('\n', ' ');
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }

  /**
   * The Python literal subset NumPy writes in headers: dicts, tuples, lists, strings, integers
   * (with Python 2's {@code L}), True, False, None.
   */
  private static final class PythonLiteral {
    private static final int MAX_DEPTH = 16;
    /** Python's {@code None}. */
    private static final Object NONE = new Object() {
      @Override
      public String toString() {
        return "None";
      }
    };
    private final String text;
    private int pos;

    PythonLiteral(String text) {
      this.text = text;
    }

    Object parseAll() {
      skip();
      Object value = value(0);
      skip();
      if (pos != text.length()) {
        throw new IllegalArgumentException("unexpected text after the dict");
      }
      return value;
    }

    private Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("nested too deeply");
      }
      char c = peek();
      if (c == '{') {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
          skip();
          if (peek() == '}') {
            pos++;
            return map;
          }
          Object key = value(depth + 1);
          if (!(key instanceof String name)) {
            throw new IllegalArgumentException("dict key is not a string");
          }
          skip();
          expect(':');
          skip();
          if (map.put(name, value(depth + 1)) != null) {
            throw new IllegalArgumentException("duplicate key '" + name + "'");
          }
          skip();
          if (peek() == ',') {
            pos++;
          } else if (peek() != '}') {
            throw new IllegalArgumentException("expected ',' or '}' at offset " + pos);
          }
        }
      }
      if (c == '(' || c == '[') {
        char close = c == '(' ? ')' : ']';
        pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
          skip();
          if (peek() == close) {
            pos++;
            return items;
          }
          items.add(value(depth + 1));
          skip();
          if (peek() == ',') {
            pos++;
          } else if (peek() != close) {
            throw new IllegalArgumentException("expected ',' or '" + close + "' at offset "
                + pos);
          }
        }
      }
      if (c == '\'' || c == '"') {
        pos++;
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != c) {
          if (text.charAt(pos) == '\\') {
            throw new IllegalArgumentException("escapes in strings are not supported");
          }
          pos++;
        }
        if (pos >= text.length()) {
          throw new IllegalArgumentException("unterminated string");
        }
        return text.substring(start, pos++);
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        int start = pos;
        pos++;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))
            && text.charAt(pos) < 128) {
          pos++;
        }
        String digits = text.substring(start, pos);
        if (peek() == 'L') {
          pos++;
        }
        if (digits.equals("-") || digits.length() > 19) {
          throw new IllegalArgumentException("bad or oversized integer '" + digits + "'");
        }
        try {
          return Long.parseLong(digits);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("integer out of range '" + digits + "'");
        }
      }
      for (String word : new String[] {"True", "False", "None"}) {
        if (text.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("None") ? NONE : Boolean.valueOf(word.equals("True"));
        }
      }
      throw new IllegalArgumentException("unexpected character at offset " + pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
      }
      pos++;
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skip() {
      while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n'
          || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
        pos++;
      }
    }
  }
}
