//! Just enough JSON to read what `irqlab run --json` prints (xtask stays
//! std-only): objects, arrays, strings with escapes, numbers, literals.

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            _ => &[],
        }
    }

    /// A string's text, or a number's or a literal's spelling.
    pub fn text(&self) -> Option<String> {
        match self {
            Json::Text(t) | Json::Number(t) => Some(t.clone()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

pub fn parse(text: &str) -> Result<Json, String> {
    let mut parser = Parser { chars: text.char_indices().peekable(), text };
    let value = parser.value()?;
    parser.blank();
    match parser.chars.peek() {
        None => Ok(value),
        Some((at, _)) => Err(format!("JSON: unexpected text at byte {at}")),
    }
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
}

impl Parser<'_> {
    fn blank(&mut self) {
        while self.chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    }

    fn expect(&mut self, wanted: char) -> Result<(), String> {
        self.blank();
        match self.chars.next() {
            Some((_, c)) if c == wanted => Ok(()),
            Some((at, c)) => Err(format!("JSON: expected `{wanted}` at byte {at}, found `{c}`")),
            None => Err(format!("JSON: expected `{wanted}`, found the end")),
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.blank();
        let Some(&(at, first)) = self.chars.peek() else { return Err("JSON: unexpected end".to_string()) };
        match first {
            '{' => self.object(),
            '[' => self.array(),
            '"' => self.string().map(Json::Text),
            _ => {
                let mut end = at;
                while let Some((i, c)) = self.chars.next_if(|(_, c)| c.is_ascii_alphanumeric() || "+-.".contains(*c)) {
                    end = i + c.len_utf8();
                }
                match &self.text[at..end] {
                    "null" => Ok(Json::Null),
                    "true" => Ok(Json::Bool(true)),
                    "false" => Ok(Json::Bool(false)),
                    n if !n.is_empty() && n.parse::<f64>().is_ok() => Ok(Json::Number(n.to_string())),
                    _ => Err(format!("JSON: unexpected `{first}` at byte {at}")),
                }
            }
        }
    }

    fn object(&mut self) -> Result<Json, String> {
        self.expect('{')?;
        let mut fields = Vec::new();
        self.blank();
        if self.chars.next_if(|(_, c)| *c == '}').is_some() {
            return Ok(Json::Object(fields));
        }
        loop {
            self.blank();
            let key = self.string()?;
            self.expect(':')?;
            fields.push((key, self.value()?));
            self.blank();
            match self.chars.next() {
                Some((_, ',')) => continue,
                Some((_, '}')) => return Ok(Json::Object(fields)),
                _ => return Err("JSON: expected `,` or `}` in an object".to_string()),
            }
        }
    }

    fn array(&mut self) -> Result<Json, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        self.blank();
        if self.chars.next_if(|(_, c)| *c == ']').is_some() {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.blank();
            match self.chars.next() {
                Some((_, ',')) => continue,
                Some((_, ']')) => return Ok(Json::Array(items)),
                _ => return Err("JSON: expected `,` or `]` in an array".to_string()),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            match self.chars.next() {
                None => return Err("JSON: unterminated string".to_string()),
                Some((_, '"')) => return Ok(out),
                Some((_, '\\')) => match self.chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, 'b')) => out.push('\u{8}'),
                    Some((_, 'f')) => out.push('\u{c}'),
                    Some((_, 'u')) => {
                        let hex: String = (0..4).filter_map(|_| self.chars.next().map(|(_, c)| c)).collect();
                        let code = u32::from_str_radix(&hex, 16).map_err(|_| format!("JSON: bad escape \\u{hex}"))?;
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    Some((_, c)) => out.push(c),
                    None => return Err("JSON: unterminated escape".to_string()),
                },
                Some((_, c)) => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_irqlab_run_prints() {
        let text = r#"{"final_state":[{"name":"COUNT","value":"3"}],"steps":19,"failed":true,
            "outcomes":[{"label":"property-violated","note":"a \"quoted\" \u00e9"}],"x":null}"#;
        let json = parse(text).expect("valid JSON");
        let state = &json.get("final_state").expect("field").items()[0];
        assert_eq!(state.get("name").and_then(Json::text).as_deref(), Some("COUNT"));
        assert_eq!(json.get("steps").and_then(Json::text).as_deref(), Some("19"));
        assert_eq!(json.get("failed"), Some(&Json::Bool(true)));
        let note = json.get("outcomes").expect("field").items()[0].get("note").and_then(Json::text);
        assert_eq!(note.as_deref(), Some("a \"quoted\" é"));
    }

    #[test]
    fn says_where_bad_json_goes_wrong() {
        assert!(parse("{\"a\": }").unwrap_err().contains("unexpected"));
        assert!(parse("[1, 2").is_err());
        assert!(parse("{} x").unwrap_err().contains("byte 3"));
    }
}
