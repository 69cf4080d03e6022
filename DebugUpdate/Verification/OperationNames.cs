namespace Rewriter.DebugUpdate.Verification;

/// <summary>Names of DWARF expression operations for messages, and the standard opcode each GNU alias stands for.</summary>
internal static class OperationNames
{
    /// <summary>The standard opcode a GNU pre-standard one became (GNU_entry_value is entry_value...).</summary>
    public static byte Canonical(byte opcode) => opcode switch
    {
        0xf2 => 0xa0, // GNU_implicit_pointer
        0xf3 => 0xa3, // GNU_entry_value
        0xf4 => 0xa4, // GNU_const_type
        0xf5 => 0xa5, // GNU_regval_type
        0xf6 => 0xa6, // GNU_deref_type
        0xf7 => 0xa8, // GNU_convert
        0xf9 => 0xa9, // GNU_reinterpret
        0xfc => 0xa2, // GNU_const_index
        _ => opcode,
    };

    public static string Name(byte opcode) => opcode switch
    {
        0x03 => "DW_OP_addr",
        0x06 => "DW_OP_deref",
        >= 0x30 and <= 0x4f => $"DW_OP_lit{opcode - 0x30}",
        >= 0x50 and <= 0x6f => $"DW_OP_reg{opcode - 0x50}",
        >= 0x70 and <= 0x8f => $"DW_OP_breg{opcode - 0x70}",
        0x10 => "DW_OP_constu",
        0x11 => "DW_OP_consts",
        0x22 => "DW_OP_plus",
        0x23 => "DW_OP_plus_uconst",
        0x28 => "DW_OP_bra",
        0x2f => "DW_OP_skip",
        0x90 => "DW_OP_regx",
        0x91 => "DW_OP_fbreg",
        0x92 => "DW_OP_bregx",
        0x93 => "DW_OP_piece",
        0x94 => "DW_OP_deref_size",
        0x98 => "DW_OP_call2",
        0x99 => "DW_OP_call4",
        0x9a => "DW_OP_call_ref",
        0x9b => "DW_OP_form_tls_address",
        0x9c => "DW_OP_call_frame_cfa",
        0x9d => "DW_OP_bit_piece",
        0x9e => "DW_OP_implicit_value",
        0x9f => "DW_OP_stack_value",
        0xa0 => "DW_OP_implicit_pointer",
        0xa1 => "DW_OP_addrx",
        0xa2 => "DW_OP_constx",
        0xa3 => "DW_OP_entry_value",
        0xa4 => "DW_OP_const_type",
        0xa5 => "DW_OP_regval_type",
        0xa6 => "DW_OP_deref_type",
        0xa7 => "DW_OP_xderef_type",
        0xa8 => "DW_OP_convert",
        0xa9 => "DW_OP_reinterpret",
        0xe0 => "DW_OP_GNU_push_tls_address",
        0xf2 => "DW_OP_GNU_implicit_pointer",
        0xf3 => "DW_OP_GNU_entry_value",
        0xf4 => "DW_OP_GNU_const_type",
        0xf5 => "DW_OP_GNU_regval_type",
        0xf6 => "DW_OP_GNU_deref_type",
        0xf7 => "DW_OP_GNU_convert",
        0xf9 => "DW_OP_GNU_reinterpret",
        0xfa => "DW_OP_GNU_parameter_ref",
        0xfb => "DW_OP_GNU_addr_index",
        0xfc => "DW_OP_GNU_const_index",
        0xfd => "DW_OP_GNU_variable_value",
        _ => $"DW_OP_0x{opcode:x2}",
    };
}
