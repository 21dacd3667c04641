using System.Globalization;

namespace RaftOrleans.Bench.Load;

/// <summary>
/// The benchmark's keys and values: fixed-size ASCII strings, so every target stores exactly
/// <c>KeySize</c> + <c>ValueSize</c> bytes per write whatever its encoding.
/// </summary>
public sealed class KeySpace
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const int CounterDigits = 12;
    private readonly string[] _keys;
    private readonly string _valueStem;

    /// <summary>Builds <paramref name="count"/> keys of <paramref name="keySize"/> bytes and a value stem of <paramref name="valueSize"/> bytes.</summary>
    public KeySpace(int count, int keySize, int valueSize)
    {
        if (keySize < MinimumKeySize(count)) throw new ArgumentOutOfRangeException(nameof(keySize), keySize, $"needs at least {MinimumKeySize(count)} bytes");
        _keys = new string[count];
        for (var i = 0; i < count; i++) _keys[i] = "k" + i.ToString(CultureInfo.InvariantCulture).PadLeft(keySize - 1, '0');
        var random = new Random(valueSize);
        _valueStem = string.Create(valueSize, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = Alphabet[r.Next(Alphabet.Length)];
        });
    }

    /// <summary>The smallest key size that keeps <paramref name="count"/> keys distinct ("k" + digits).</summary>
    public static int MinimumKeySize(int count) => 1 + Math.Max(1, (count - 1).ToString(CultureInfo.InvariantCulture).Length);

    /// <summary>Number of keys.</summary>
    public int Count => _keys.Length;

    /// <summary>Key number <paramref name="index"/>.</summary>
    public string Key(int index) => _keys[index];

    /// <summary>The value every put writes (one string, so the generator allocates nothing per put).</summary>
    public string Value => _valueStem;

    /// <summary>
    /// A value of the same size that differs for each <paramref name="counter"/> (its last digits), for
    /// compare-and-swap, where the new value must differ from the expected one.
    /// </summary>
    public string DistinctValue(long counter)
    {
        var digits = (counter % 1_000_000_000_000L).ToString(CultureInfo.InvariantCulture).PadLeft(CounterDigits, '0');
        return _valueStem.Length <= CounterDigits
            ? digits[^_valueStem.Length..]
            : string.Concat(_valueStem.AsSpan(0, _valueStem.Length - CounterDigits), digits);
    }
}
